import Message from "@splunk/react-ui/Message";

import { OnboardError } from "../rest/onboard.ts";
import { SplunkdError } from "../rest/splunkd.ts";

/** What an action ended with, in plain language. */
export type Outcome =
  | { kind: "success"; text: string }
  | { kind: "info"; text: string }
  | { kind: "error"; error: unknown };

export const success = (text: string): Outcome => ({ kind: "success", text });
export const failure = (error: unknown): Outcome => ({ kind: "error", error });

/**
 * An outcome as the admin reads it: for the add-on's refusals the message and the next step from
 * its error catalogue with the permanent code; for splunkd's refusals splunkd's own text.
 */
export function OutcomeMessage({ outcome, onDismiss }: { outcome: Outcome | undefined; onDismiss?: () => void }) {
  if (outcome === undefined) return null;
  const remove = onDismiss === undefined ? {} : { onRequestRemove: onDismiss };
  if (outcome.kind !== "error") {
    return (
      <div role="status" className="tdm-outcome" data-outcome={outcome.kind}>
        <Message type={outcome.kind} {...remove}>{outcome.text}</Message>
      </div>
    );
  }
  const { error } = outcome;
  if (error instanceof OnboardError) {
    return (
      <div role="alert" className="tdm-outcome" data-outcome="error" data-code={error.code}>
        <Message type="error" {...remove}>
          <span>
            <strong>{error.message}</strong>
            {error.action !== "" && <><br />What to do: {error.action}</>}
            <br /><span className="tdm-code">Error code {error.code}</span>
          </span>
        </Message>
      </div>
    );
  }
  const text = error instanceof SplunkdError
    ? `splunkd: ${error.message}`
    : `The page failed: ${error instanceof Error ? error.message : String(error)}`;
  return (
    <div role="alert" className="tdm-outcome" data-outcome="error">
      <Message type="error" {...remove}>{text}</Message>
    </div>
  );
}
