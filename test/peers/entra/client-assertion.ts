// Verifies a certificate client assertion the way Entra documents it (certificate-credentials,
// microsoft-apis.md §4 "Certificate assertion"): a JWT signed PS256 (or RS256) by a certificate
// registered on the app, named by `x5t#S256` (or the SHA-1 `x5t`), for this token endpoint,
// issued by and about the client itself, and valid now.
import { constants, createPublicKey, verify } from "node:crypto";

import { aadsts } from "./aadsts.ts";
import type { AppRegistration, RegisteredCertificate } from "./directory.ts";

/** Seconds of clock skew tolerated on `nbf` and `exp`. */
// Assumption: Entra's tolerance is not documented; five minutes is the common default.
const SKEW_S = 300;
/** Longest assertion lifetime accepted (`exp - nbf`). */
// Assumption: the docs ask for 5 to 10 minutes; longer lifetimes are refused.
const MAX_LIFETIME_S = 3600;

interface Header {
  alg?: unknown;
  typ?: unknown;
  "x5t#S256"?: unknown;
  x5t?: unknown;
}

function decodeSegment(segment: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // one error below
  }
  throw aadsts.assertionMalformed();
}

function findCertificate(app: AppRegistration, header: Header): RegisteredCertificate {
  const s256 = header["x5t#S256"];
  const s1 = header.x5t;
  const match = app.certificates.find((cert) =>
    (typeof s256 === "string" && cert.x5tS256 === s256) ||
    (typeof s1 === "string" && cert.x5t === s1));
  if (match === undefined) throw aadsts.assertionKeyNotFound();
  return match;
}

function signatureValid(alg: string, input: string, signature: string, cert: RegisteredCertificate): boolean {
  const key = createPublicKey(cert.certificate.publicKey.export({ type: "spki", format: "pem" }));
  const data = Buffer.from(input);
  const sig = Buffer.from(signature, "base64url");
  if (alg === "RS256") return verify("sha256", data, key, sig);
  // RFC 7518 §3.5: PS256 is RSASSA-PSS with SHA-256, MGF1 SHA-256, salt length = 32.
  return verify("sha256", data, {
    key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
  }, sig);
}

/**
 * Checks `assertion` for `app` at `tokenEndpoint` (the URL the request was posted to, without
 * query). Returns how the client proved itself; throws AADSTS50027, 700027 or 700024.
 */
export function verifyClientAssertion(
  assertion: string,
  app: AppRegistration,
  tokenEndpoint: string,
  nowMs: number,
): { algorithm: "PS256" | "RS256"; thumbprint: "x5t#S256" | "x5t" } {
  const parts = assertion.split(".");
  const [head, body, signature] = parts;
  if (parts.length !== 3 || !head || !body || !signature) throw aadsts.assertionMalformed();
  const header = decodeSegment(head) as Header;
  const claims = decodeSegment(body);

  const alg = header.alg;
  if (alg !== "PS256" && alg !== "RS256") {
    throw aadsts.assertionClaims(`The algorithm '${String(alg)}' is not supported.`);
  }
  const cert = findCertificate(app, header);
  if (!signatureValid(alg, `${head}.${body}`, signature, cert)) throw aadsts.assertionSignature();
  if (nowMs >= cert.expiresAt) throw aadsts.assertionKeyExpired();

  if (claims.aud !== tokenEndpoint) {
    throw aadsts.assertionClaims(`The audience '${String(claims.aud)}' is not this token ` +
      "endpoint.");
  }
  if (claims.iss !== app.clientId || claims.sub !== app.clientId) {
    throw aadsts.assertionClaims("The issuer and subject must both be the client id.");
  }
  if (typeof claims.jti !== "string" || claims.jti === "") {
    throw aadsts.assertionClaims("The assertion has no jti claim.");
  }
  const nowS = Math.floor(nowMs / 1000);
  const { exp, nbf } = claims;
  if (typeof exp !== "number") throw aadsts.assertionClaims("The assertion has no exp claim.");
  const notBefore = typeof nbf === "number" ? nbf : (claims.iat as number | undefined) ?? nowS;
  if (nowS + SKEW_S < notBefore || nowS - SKEW_S >= exp || exp - notBefore > MAX_LIFETIME_S) {
    throw aadsts.assertionTime();
  }
  return { algorithm: alg, thumbprint: typeof header["x5t#S256"] === "string" ? "x5t#S256" : "x5t" };
}
