import { ACCOUNT_CONF } from "../auth/index.ts";
import { parseInputConfig } from "../config/index.ts";
import { AddonError } from "../errors.ts";
import type { Stanza } from "../protocol/index.ts";
import { readConfStanza, type SplunkdClient } from "../splunkd/index.ts";

/**
 * `--validate-arguments`: checks the parameters, then that the named account exists, so an
 * admin learns about a typo when saving the input rather than from splunkd.log later.
 *
 * @throws AddonError CONFIG_INVALID or ACCOUNT_NOT_FOUND with the message splunkd shows.
 */
export async function validateStanza(
  stanza: Stanza,
  splunkd: SplunkdClient,
  nowMs: number,
): Promise<void> {
  const config = parseInputConfig(stanza.inputName, stanza.params, nowMs);
  const account = await readConfStanza(splunkd, ACCOUNT_CONF, config.account);
  if (account === undefined) {
    throw new AddonError(
      "ACCOUNT_NOT_FOUND",
      `Input '${stanza.inputName}': account '${config.account}' does not exist; create it on ` +
        "the add-on's setup page first",
      { account: config.account },
    );
  }
}
