// The add-on's onboarding endpoint (restmap.conf [script:ta_defender_mssp_onboard]): one action
// per call, answered with its payload, or with `{"error": {code, message, action}}` whose message
// and next step come from the add-on's error catalogue (docs/ERRORS.md).
import { SplunkdError, type Splunkd } from "./splunkd.ts";

export const ONBOARD_ENDPOINT = "ta_defender_mssp/onboard";

/** An onboarding refusal in the add-on's words. */
export class OnboardError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly action: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "OnboardError";
  }
}

export async function onboard(splunkd: Splunkd, action: string, params: Record<string, string>): Promise<Record<string, string>> {
  // The handler's own failures come back as answers; splunkd's refusals (no capability, no
  // handler) throw SplunkdError with splunkd's text.
  const answer = await splunkd.postJson<unknown>(ONBOARD_ENDPOINT, { action, params }, [400, 403, 404, 500, 502, 503, 504]);
  const body = (answer.json ?? {}) as Record<string, unknown>;
  const failure = body["error"] as { code?: string; message?: string; action?: string; details?: Record<string, unknown> } | undefined;
  if (answer.status >= 400 || failure !== undefined) {
    if (failure === undefined) {
      const text = (body["messages"] as Array<{ text?: string }> | undefined)?.[0]?.text;
      throw new SplunkdError(answer.status, text ?? `The onboarding endpoint answered HTTP ${answer.status}`, body);
    }
    throw new OnboardError(answer.status, failure.code ?? "INTERNAL", failure.message ?? "The onboarding action failed",
      failure.action ?? "", failure.details ?? {});
  }
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) result[key] = typeof value === "string" ? value : JSON.stringify(value);
  return result;
}

/** Whether the server does not know an action (an older add-on on the server). */
export function isUnknownAction(error: unknown): boolean {
  return error instanceof OnboardError && error.code === "ONBOARDING_REQUEST_INVALID" && error.details["field"] === "action";
}
