// Client certificates for the MSSP app, made with the machine's openssl like the test CA.
import { execFileSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { makeTempDir } from "../../support/temp.ts";

export interface AppCertificateFiles {
  certPem: string;
  /** PKCS#8 PEM, unencrypted. */
  keyPem: string;
  /** Hex SHA-256 of the DER (what MSAL's `thumbprintSha256` takes). */
  thumbprintSha256: string;
  /** base64url SHA-256 of the DER (the `x5t#S256` header). */
  x5tS256: string;
}

/** A self-signed RSA certificate, valid for `days` (default 2) from now. */
export function createAppCertificate(cn = "mssp-collector", days = 2): AppCertificateFiles {
  const dir = makeTempDir("ta-dm-appcert-");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes",
    "-keyout", "app.key", "-out", "app.pem", "-days", String(days), "-subj", `/CN=${cn}`],
  { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  const certPem = readFileSync(join(dir, "app.pem"), "utf8");
  const raw = new X509Certificate(certPem).raw;
  return {
    certPem,
    keyPem: readFileSync(join(dir, "app.key"), "utf8"),
    thumbprintSha256: createHash("sha256").update(raw).digest("hex"),
    x5tS256: createHash("sha256").update(raw).digest("base64url"),
  };
}
