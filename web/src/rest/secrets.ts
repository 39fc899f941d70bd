// storage/passwords, realm TA-defender-mssp. The page writes secrets and learns only whether
// one is set: every listing asks splunkd for the `username` and `realm` fields alone (`f=`), so
// no stored value ever reaches the browser.
import { entriesOf, SplunkdError, type Splunkd } from "./splunkd.ts";

export const REALM = "TA-defender-mssp";

export const secretNames = {
  clientSecret: (account: string) => `account/${account}/client_secret`,
  privateKey: (account: string) => `account/${account}/private_key`,
  certificate: (account: string) => `account/${account}/certificate`,
  refreshToken: (input: string) => `input/${input}/refresh_token`,
  /** The access token runs keep between them (src/auth/stored-token.ts); removed with the input. */
  accessToken: (input: string) => `input/${input}/access_token`,
  proxyPassword: "settings/proxy/password",
} as const;

/** splunkd's entry name for a credential: `realm:username:` with `\` and `:` escaped. */
export function credentialName(username: string, realm = REALM): string {
  const escape = (part: string) => part.replace(/\\/g, "\\\\").replace(/:/g, "\\:");
  return `${escape(realm)}:${escape(username)}:`;
}

const endpointOf = (username: string) => `storage/passwords/${encodeURIComponent(credentialName(username))}`;

/** The usernames of the add-on's stored secrets (never their values). */
export async function storedSecretNames(splunkd: Splunkd): Promise<Set<string>> {
  const envelope = await splunkd.get("storage/passwords", { search: `realm=${REALM}`, f: ["username", "realm"] });
  return new Set(
    entriesOf<{ username?: string; realm?: string }>(envelope)
      .filter((entry) => entry.content.realm === REALM)
      .map((entry) => entry.content.username ?? ""),
  );
}

/** Stores a secret: creates the entry, or replaces its value when it exists (409). */
export async function writeSecret(splunkd: Splunkd, username: string, value: string): Promise<void> {
  // splunkd answers a write with the entry, clear_password included, unless asked for less.
  const only = { f: ["username", "realm"] };
  const created = await splunkd.postForm("storage/passwords", { name: username, realm: REALM, password: value }, [409], only);
  if (created.status === 409) await splunkd.postForm(endpointOf(username), { password: value }, [], only);
}

/**
 * Deletes a secret and the chunks a long one is stored in (`<username>/<generation>/<i>`, see
 * docs/ONBOARDING.md), so nothing of it is left behind.
 */
export async function deleteSecret(splunkd: Splunkd, username: string, known: Set<string>): Promise<void> {
  const doomed = [...known].filter((name) => name === username || name.startsWith(`${username}/`));
  // The manifest first: a reader that finds no manifest never looks for chunks.
  doomed.sort((a, b) => a.length - b.length);
  for (const name of doomed) {
    try {
      await splunkd.delete(endpointOf(name));
    } catch (error) {
      if (!(error instanceof SplunkdError && error.status === 404)) throw error;
    }
  }
}
