import { createHash, randomBytes } from "node:crypto";

import { Secret } from "../../log/secret.ts";

/**
 * A PKCE pair (RFC 7636): a 43-character verifier kept on the server and its S256 challenge,
 * sent on the authorize URL.
 */
export function createPkce(): { verifier: Secret; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier: new Secret(verifier), challenge: createHash("sha256").update(verifier).digest("base64url") };
}
