import { APP_ID } from "../app-info.ts";
import { AddonError } from "../errors.ts";
import { type PasswordStore, readConfStanza, type SplunkdClient } from "../splunkd/index.ts";
import type { Credential } from "./token-provider.ts";

export const ACCOUNT_CONF = "ta_defender_mssp_account";
export const SECRET_REALM = APP_ID;

/** The storage/passwords username of an account's client secret. */
export function accountSecretName(account: string): string {
  return `account/${account}/client_secret`;
}

/**
 * Reads an MSSP app registration ("account"): its client id from the account conf and its
 * secret from storage/passwords.
 *
 * @throws AddonError ACCOUNT_NOT_FOUND, SECRET_NOT_FOUND, SPLUNKD_*
 */
export async function loadCredential(
  splunkd: SplunkdClient,
  passwords: PasswordStore,
  account: string,
): Promise<Credential> {
  const stanza = await readConfStanza(splunkd, ACCOUNT_CONF, account);
  const clientId = stanza?.["client_id"]?.trim();
  if (stanza === undefined || clientId === undefined || clientId === "") {
    throw new AddonError(
      "ACCOUNT_NOT_FOUND",
      `Account '${account}' does not exist or has no client_id in ${ACCOUNT_CONF}.conf`,
      { account },
    );
  }
  const secret = await passwords.read(SECRET_REALM, accountSecretName(account));
  if (secret === undefined || secret.length === 0) {
    throw new AddonError(
      "SECRET_NOT_FOUND",
      `Account '${account}' has no client secret in storage/passwords ` +
        `(realm ${SECRET_REALM}, user ${accountSecretName(account)})`,
      { account },
    );
  }
  return { kind: "client_secret", clientId, secret };
}
