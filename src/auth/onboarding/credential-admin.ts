import { createHash, X509Certificate } from "node:crypto";

import { Secret } from "../../log/secret.ts";
import type { SplunkdClient } from "../../splunkd/index.ts";
import { checkCertificateCredential } from "../certificate.ts";
import { ACCOUNT_CONF, SECRET_REALM, secretNames, type CredentialType } from "../credentials.ts";
import { createSecretStore } from "../secret-store.ts";
import type { OnboardingDeps } from "./admin-consent.ts";
import { accountField, field, guidField } from "./targets.ts";

/** Creates or updates an account's stanza: its client id and credential type. */
async function writeAccount(splunkd: SplunkdClient, account: string, clientId: string, type: CredentialType): Promise<void> {
  const values = { client_id: clientId, credential_type: type };
  const created = await splunkd.expect([409]).postForm(`configs/conf-${ACCOUNT_CONF}`, { name: account, ...values });
  if (created.status === 409) {
    await splunkd.postForm(`configs/conf-${ACCOUNT_CONF}/${encodeURIComponent(account)}`, values);
  }
}

/**
 * Stores an account's client secret (storage/passwords) and its client id (account conf).
 *
 * @throws AddonError ONBOARDING_REQUEST_INVALID, SPLUNKD_*
 */
export async function storeClientSecret(
  deps: OnboardingDeps,
  params: Record<string, string>,
): Promise<Record<string, string>> {
  const account = accountField(params);
  const clientId = guidField(params, "client_id");
  const secret = new Secret(field(params, "client_secret"));
  await createSecretStore({ splunkd: deps.splunkd, realm: SECRET_REALM, nowMs: deps.nowMs })
    .write(secretNames.clientSecret(account), secret);
  await writeAccount(deps.splunkd, account, clientId, "client_secret");
  return { account, client_id: clientId, credential_type: "client_secret" };
}

/**
 * Stores an account's certificate credential: the PEM private key and certificate, checked
 * (they match, the key is RSA, the certificate is valid now), each in storage/passwords
 * (chunked), then the account conf. Answers the thumbprints to compare with the app
 * registration's "Certificates & secrets" page (which shows the SHA-1 one).
 *
 * @throws AddonError ONBOARDING_REQUEST_INVALID, CERTIFICATE_UNUSABLE, SPLUNKD_*
 */
export async function storeCertificate(
  deps: OnboardingDeps,
  params: Record<string, string>,
): Promise<Record<string, string>> {
  const account = accountField(params);
  const clientId = guidField(params, "client_id");
  const parts = checkCertificateCredential(new Secret(field(params, "private_key")),
    field(params, "certificate"), deps.nowMs(), account);
  const secrets = createSecretStore({ splunkd: deps.splunkd, realm: SECRET_REALM, nowMs: deps.nowMs });
  await secrets.write(secretNames.privateKey(account), parts.privateKey);
  await secrets.write(secretNames.certificate(account), new Secret(parts.certificatePem));
  // The conf switches to the certificate only once both halves are stored.
  await writeAccount(deps.splunkd, account, clientId, "certificate");
  const raw = new X509Certificate(parts.certificatePem).raw;
  return {
    account, client_id: clientId, credential_type: "certificate",
    thumbprint_sha1: createHash("sha1").update(raw).digest("hex").toUpperCase(),
    thumbprint_sha256: parts.thumbprintSha256.toUpperCase(),
    not_after: new Date(parts.notAfterMs).toISOString(),
  };
}
