import { setTimeout as delay } from "node:timers/promises";

import { APP_ID, VERSION } from "./app-info.ts";
import { parseOnboardRequest, readRequestText, runOnboardAction } from "./auth/index.ts";
import { AddonError, toAddonError } from "./errors.ts";
import { createLogger, type Logger } from "./log/index.ts";
import {
  createEventWriter,
  parseInputDocument,
  parseValidationDocument,
  readStdinDocument,
  renderScheme,
  renderValidationError,
} from "./protocol/index.ts";
import { createEnvironment, DEFENDER_ALERTS_SCHEME, runInput, validateStanza } from "./pipeline/index.ts";
import { testConnection } from "./pipeline/test-connection.ts";

/** Routes splunkd's three invocations; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const logger = createLogger({ level: logLevel() });
  const mode = argv[0];
  try {
    if (mode === "--scheme") {
      process.stdout.write(renderScheme(DEFENDER_ALERTS_SCHEME));
      return 0;
    }
    if (mode === "--validate-arguments") return await validate(logger);
    if (mode === "--onboard") return await onboard(logger);
    if (mode === undefined) return await run(logger);
    logger.error("unknown argument", { argument: mode, usage: "[--scheme | --validate-arguments | --onboard]" });
    return 2;
  } catch (error) {
    logFailure(logger, toAddonError(error));
    return 1;
  }
}

async function validate(logger: Logger): Promise<number> {
  const definition = parseValidationDocument(await readStdinDocument(process.stdin, "</items>"));
  const env = createEnvironment(definition, Date.now);
  try {
    const [stanza] = definition.stanzas;
    if (stanza !== undefined) await validateStanza(stanza, env.splunkd, Date.now());
    return 0;
  } catch (error) {
    const failure = toAddonError(error);
    // splunkd shows this text to the admin who is saving the input.
    process.stdout.write(renderValidationError(failure.message));
    logFailure(logger, failure);
    return 1;
  } finally {
    await env.close();
  }
}

async function run(logger: Logger): Promise<number> {
  const definition = parseInputDocument(await readStdinDocument(process.stdin, "</input>"));
  logger.info("started", { version: VERSION, app: APP_ID, stanzas: definition.stanzas.length });
  if (definition.stanzas.length === 0) return 0;

  let stopping = false;
  const abort = new AbortController();
  const onTerm = (): void => {
    stopping = true;
    logger.warn("stop requested", { signal: "SIGTERM" });
    // Cut the page in flight: what was written is flushed and, if in order, checkpointed.
    abort.abort();
  };
  process.on("SIGTERM", onTerm);

  const env = createEnvironment(definition, Date.now, logger);
  const writer = createEventWriter(process.stdout);
  let failures = 0;
  try {
    // Settings (proxy, CA bundle) are read once, before any tenant: a bad one stops the run
    // with its own message instead of surfacing as a network failure inside a token call.
    await env.ready();
    // One process normally carries one stanza; when it carries several, one tenant's failure
    // does not stop the others.
    for (const stanza of definition.stanzas) {
      if (stopping) break;
      try {
        await runInput(stanza, {
          ...env,
          checkpointDir: definition.checkpointDir,
          signal: abort.signal,
          writer,
          logger,
          nowMs: Date.now,
          sleep: (ms) => delay(ms),
          stopping: () => stopping,
        });
      } catch (error) {
        failures += 1;
        logFailure(logger.child({ input: stanza.inputName }), toAddonError(error));
      }
    }
  } finally {
    await writer.close();
    await env.close();
    process.off("SIGTERM", onTerm);
  }
  return failures === 0 ? 0 : 1;
}

/**
 * `--onboard`: one setup page action, passed on by the REST handler in bin/ (JSON in on stdin,
 * JSON out on stdout; docs/ONBOARDING.md). The exit code is 0 whenever an answer was written.
 */
async function onboard(logger: Logger): Promise<number> {
  let request;
  try {
    request = parseOnboardRequest(await readRequestText(process.stdin));
  } catch (error) {
    const failure = toAddonError(error);
    logFailure(logger, failure);
    process.stdout.write(`${JSON.stringify({
      status: 400, payload: { error: { code: failure.code, message: failure.message, action: failure.action } },
    })}\n`);
    return 0;
  }
  const env = createEnvironment(
    { serverHost: "", serverUri: request.serverUri, sessionKey: request.sessionKey, checkpointDir: "", stanzas: [] },
    Date.now,
    logger,
  );
  try {
    const answer = await runOnboardAction(request, {
      ...env, logger, nowMs: Date.now, sleep: (ms) => delay(ms),
    }, { test_connection: testConnection });
    process.stdout.write(`${JSON.stringify(answer)}\n`);
    return 0;
  } finally {
    await env.close();
  }
}

function logFailure(logger: Logger, error: AddonError): void {
  logger.error(error.message, { code: error.code, ...error.details, action: error.action });
  if (error.code === "INTERNAL" && error.cause instanceof Error && error.cause.stack) {
    logger.debug("internal error detail", { stack: error.cause.stack });
  }
}

function logLevel(): "DEBUG" | "INFO" {
  return process.env["TA_DEFENDER_MSSP_LOG_LEVEL"]?.toUpperCase() === "DEBUG" ? "DEBUG" : "INFO";
}
