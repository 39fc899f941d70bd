import { constants, createPrivateKey, randomUUID, sign } from "node:crypto";

import type { Secret } from "../log/secret.ts";

/** How long an assertion is valid; Entra asks for 5 to 10 minutes (certificate-credentials). */
const LIFETIME_S = 600;

const b64url = (data: string | Buffer): string => Buffer.from(data).toString("base64url");

/**
 * A certificate client assertion as Entra documents it (microsoft-apis.md §4 "Certificate
 * assertion"): JWT, `alg` PS256, `x5t#S256` = base64url SHA-256 of the certificate's DER,
 * `aud` = the token endpoint it is posted to, `iss` = `sub` = the client id, a fresh `jti`, and
 * `nbf`/`exp` ten minutes apart. MSAL builds the same for its own (v2) calls; this one serves
 * the delegated and v1 requests the add-on sends itself.
 */
export function createClientAssertion(input: {
  clientId: string;
  tokenEndpoint: string;
  privateKey: Secret;
  /** Hex SHA-256 of the certificate's DER. */
  thumbprintSha256: string;
  nowMs: number;
}): string {
  const nowS = Math.floor(input.nowMs / 1000);
  const header = { alg: "PS256", typ: "JWT", "x5t#S256": b64url(Buffer.from(input.thumbprintSha256, "hex")) };
  const claims = {
    aud: input.tokenEndpoint,
    iss: input.clientId,
    sub: input.clientId,
    jti: randomUUID(),
    nbf: nowS,
    iat: nowS,
    exp: nowS + LIFETIME_S,
  };
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  // RFC 7518 §3.5: RSASSA-PSS with SHA-256 and a salt as long as the digest.
  const signature = sign("sha256", Buffer.from(signingInput), {
    key: createPrivateKey(input.privateKey.reveal()),
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
  });
  return `${signingInput}.${b64url(signature)}`;
}
