import { createHash, createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";

import { AddonError } from "../errors.ts";
import { Secret } from "../log/secret.ts";

/** A certificate credential, checked: a usable key that belongs to a current certificate. */
export interface CertificateCredentialParts {
  /** PKCS#8 PEM of the private key (re-encoded, so RSA/PKCS#1 input works too). */
  privateKey: Secret;
  /** PEM of the certificate (the `x5c` header MSAL may send). */
  certificatePem: string;
  /** Hex SHA-256 of the certificate's DER: the `x5t#S256` Entra looks the key up by. */
  thumbprintSha256: string;
  notAfterMs: number;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/**
 * Checks a PEM private key and certificate as stored for an account: both parse, the key is
 * RSA (Entra's assertions are PS256/RS256), the key matches the certificate, and the
 * certificate is valid now. Only the first certificate of a chain is used.
 *
 * @throws AddonError CERTIFICATE_UNUSABLE with the reason (never the key).
 */
export function checkCertificateCredential(
  privateKeyPem: Secret,
  certificatePem: string,
  nowMs: number,
  account: string,
): CertificateCredentialParts {
  const unusable = (reason: string): AddonError =>
    new AddonError("CERTIFICATE_UNUSABLE",
      `The certificate credential of account '${account}' cannot be used: ${reason}`, { account });

  const certText = PEM_CERT.exec(certificatePem)?.[0];
  if (certText === undefined) throw unusable("the certificate is not a PEM X.509 certificate");
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certText);
  } catch {
    throw unusable("the certificate is not a PEM X.509 certificate");
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(privateKeyPem.reveal());
  } catch {
    throw unusable("the private key is not an unencrypted PEM private key");
  }
  if (key.asymmetricKeyType !== "rsa") {
    throw unusable(`the private key is ${key.asymmetricKeyType ?? "unknown"}, Entra ID needs RSA`);
  }
  const publicOfKey = createPublicKey(key).export({ type: "spki", format: "der" });
  const publicOfCert = certificate.publicKey.export({ type: "spki", format: "der" });
  if (!publicOfKey.equals(publicOfCert)) {
    throw unusable("the private key does not belong to the certificate");
  }
  const notBefore = Date.parse(certificate.validFrom);
  const notAfter = Date.parse(certificate.validTo);
  if (nowMs < notBefore) throw unusable(`the certificate is valid only from ${certificate.validFrom}`);
  if (nowMs >= notAfter) throw unusable(`the certificate expired on ${certificate.validTo}`);

  return {
    privateKey: new Secret(key.export({ type: "pkcs8", format: "pem" }).toString()),
    certificatePem: certText,
    thumbprintSha256: createHash("sha256").update(certificate.raw).digest("hex"),
    notAfterMs: notAfter,
  };
}
