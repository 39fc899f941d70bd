import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import { buildInputDocument, effectiveParams } from "./input-documents.ts";
import { parseScheme, parseValidationError } from "./scheme-parser.ts";
import { splunkdTimestamp, stderrLevel } from "./splunkd-log.ts";
import { makeTempDir } from "../../support/temp.ts";

// shared/ sits beside the repository, on developer machines and in CI alike.
const CORPUS = fileURLToPath(new URL("../../../../shared/corpus/splunk", import.meta.url));

describe("modular input documents, as splunkd writes and reads them", () => {
  it("writes the <input> document byte for byte like the captured one", () => {
    const captured = readFileSync(
      join(CORPUS, "splunk-connect-for-otlp", "input_stanza_from_splunk.xml"),
      "utf8",
    );
    const value = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(captured)?.[1];
    const params = Object.fromEntries(
      [...captured.matchAll(/<param name="([^"]+)">([^<]*)<\/param>/g)].map((m) => [m[1], m[2]]),
    ) as Record<string, string>;
    const built = buildInputDocument(
      {
        serverHost: value("server_host") ?? "",
        serverUri: value("server_uri") ?? "",
        sessionKey: value("session_key") ?? "",
        checkpointDir: value("checkpoint_dir") ?? "",
      },
      { name: "splunk-connect-for-otlp://specialmind", app: "search", params },
    );
    assert.equal(built, captured);
  });

  it("layers implicit parameters under the app's inputs.conf and the stanza's own", () => {
    const appDir = makeTempDir("ta-dm-inputs-");
    mkdirSync(join(appDir, "default"));
    writeFileSync(join(appDir, "default", "inputs.conf"), "[s]\ninterval = 300\nindex = sec\n");
    assert.deepEqual(effectiveParams(appDir, "s", { index: "own", tenant: "t", disabled: "1" }), {
      host: "$decideOnStartup",
      index: "own",
      interval: "300",
      start_by_shell: "false",
      tenant: "t",
      disabled: "0",
    });
    assert.equal(effectiveParams(appDir, "other", {})["interval"], "60");
  });

  it("reads the SDK's scheme with non-ASCII text, escapes and splunkd's defaults", () => {
    const xml = readFileSync(join(CORPUS, "splunk-sdk-python", "scheme_without_defaults.xml"));
    const text = "쎼 and 쎶 and <&> für";
    assert.deepEqual(parseScheme(xml.toString("utf8")), {
      title: "abcd",
      description: text,
      useExternalValidation: false,
      useSingleInstance: true,
      streamingMode: "simple",
      args: [
        { name: "arg1", dataType: "string", requiredOnEdit: false, requiredOnCreate: false },
        {
          name: "arg2",
          description: text,
          validation: "is_pos_int('some_name')",
          dataType: "number",
          requiredOnEdit: true,
          requiredOnCreate: true,
        },
      ],
    });
  });

  const badSchemes: [name: string, xml: string, error: RegExp][] = [
    ["not XML", "<scheme><title>x</scheme>", /malformed XML/],
    ["another root", "<schema><title>x</title></schema>", /expected one <scheme> root/],
    ["no title", "<scheme><description>d</description></scheme>", /no <title>/],
    [
      "a bad mode",
      "<scheme><title>x</title><streaming_mode>json</streaming_mode></scheme>",
      /xml or simple/,
    ],
    [
      "a bad flag",
      "<scheme><title>x</title><use_single_instance>yes</use_single_instance></scheme>",
      /true or false/,
    ],
    [
      "a bad arg name",
      '<scheme><title>x</title><endpoint><args><arg name="_x"/></args></endpoint></scheme>',
      /invalid name/,
    ],
    [
      "a twice-declared arg",
      '<scheme><title>x</title><endpoint><args><arg name="a"/><arg name="a"/></args></endpoint>' +
        "</scheme>",
      /twice/,
    ],
  ];
  for (const [name, xml, error] of badSchemes) {
    it(`refuses a scheme with ${name}`, () => {
      assert.throws(() => parseScheme(xml), error);
    });
  }

  it("reads the message of a validation error document", () => {
    const xml = readFileSync(join(CORPUS, "splunk-sdk-python", "validation_error.xml"), "utf8");
    assert.equal(parseValidationError(xml), "Big fat validation error!");
    assert.equal(parseValidationError("not xml"), undefined);
  });

  it("takes the splunkd.log level from a leading word of a stderr line", () => {
    const cases: [line: string, level: string, rest: string][] = [
      ["DEBUG page fetched", "DEBUG", "page fetched"],
      ["INFO started", "INFO", "started"],
      ["WARN slow", "WARN", "slow"],
      ["WARNING slow", "WARN", "slow"],
      ["ERROR failed", "ERROR", "failed"],
      ["FATAL gone", "FATAL", "gone"],
      ["INFO", "INFO", ""],
      ["info lower case", "ERROR", "info lower case"],
      ["INFOrmation", "ERROR", "INFOrmation"],
      ["Traceback (most recent call last):", "ERROR", "Traceback (most recent call last):"],
    ];
    for (const [line, level, rest] of cases) {
      assert.deepEqual(stderrLevel(line), { level, rest }, line);
    }
    assert.equal(
      splunkdTimestamp(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6))),
      "01-02-2024 03:04:05.006 +0000",
    );
  });
});
