import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { describe, it } from "node:test";

import { checkCertificateCredential } from "../../src/auth/index.ts";
import type { AddonError } from "../../src/errors.ts";
import { Secret } from "../../src/log/index.ts";
import { createAppCertificate } from "../peers/entra/certificates.ts";

describe("certificate credentials", () => {
  const cert = createAppCertificate("unit");
  const other = createAppCertificate("other");
  const now = Date.now();
  const refused = (key: string, pem: string, at: number, reason: RegExp) =>
    assert.throws(() => checkCertificateCredential(new Secret(key), pem, at, "acct"), (error: AddonError) => {
      assert.equal(error.code, "CERTIFICATE_UNUSABLE");
      assert.match(error.message, reason);
      assert.ok(!error.message.includes("PRIVATE"));
      return true;
    });

  it("accepts a matching RSA key and current certificate, with the x5t#S256 thumbprint", () => {
    const parts = checkCertificateCredential(new Secret(cert.keyPem), `junk before\n${cert.certPem}`, now, "acct");
    assert.equal(parts.thumbprintSha256, cert.thumbprintSha256);
    assert.match(parts.privateKey.reveal(), /^-----BEGIN PRIVATE KEY-----/);
    assert.match(parts.certificatePem, /^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----$/);
    assert.ok(parts.notAfterMs > now);
  });

  it("refuses a key of another certificate, an expired or future certificate, EC keys and junk", () => {
    refused(other.keyPem, cert.certPem, now, /does not belong to the certificate/);
    refused(cert.keyPem, cert.certPem, now + 5 * 86_400_000, /expired on/);
    refused(cert.keyPem, cert.certPem, now - 86_400_000, /valid only from/);
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    refused(ec, cert.certPem, now, /is ec, Entra ID needs RSA/);
    refused("not a key", cert.certPem, now, /not an unencrypted PEM private key/);
    refused(cert.keyPem, "not a certificate", now, /not a PEM X\.509 certificate/);
  });
});
