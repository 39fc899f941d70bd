import { createHash } from "node:crypto";

import { APP_ID } from "../app-info.ts";
import type { AuthMode } from "../config/index.ts";
import { AddonError } from "../errors.ts";
import type { Secret } from "../log/secret.ts";
import { readConfStanza, type SplunkdClient } from "../splunkd/index.ts";
import { checkCertificateCredential } from "./certificate.ts";
import type { SecretStore } from "./secret-store.ts";

export const ACCOUNT_CONF = "ta_defender_mssp_account";
export const SECRET_REALM = APP_ID;
export const CREDENTIAL_TYPES = ["client_secret", "certificate"] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

/** The storage/passwords usernames (realm `TA-defender-mssp`) of every secret the add-on keeps. */
export const secretNames = {
  clientSecret: (account: string): string => `account/${account}/client_secret`,
  privateKey: (account: string): string => `account/${account}/private_key`,
  certificate: (account: string): string => `account/${account}/certificate`,
  refreshToken: (input: string): string => `input/${input}/refresh_token`,
  /** The access token a run keeps for the next ones (stored-token.ts). */
  accessToken: (input: string): string => `input/${input}/access_token`,
} as const;

/** The storage/passwords username of an account's client secret. */
export function accountSecretName(account: string): string {
  return secretNames.clientSecret(account);
}

/** How the MSSP's app registration proves itself to Entra ID. */
export type AppCredential =
  | { kind: "client_secret"; clientId: string; secret: Secret }
  | {
    kind: "certificate";
    clientId: string;
    privateKey: Secret;
    certificatePem: string;
    /** Hex SHA-256 of the certificate's DER (`x5t#S256`). */
    thumbprintSha256: string;
    notAfterMs: number;
  };

/**
 * A customer user's delegated sign-in for one input: the app's own credential plus the
 * refresh token kept under `input/<input>/refresh_token`, read only under the input's lease.
 */
export interface DelegatedCredential {
  kind: "refresh_token";
  app: AppCredential;
  input: string;
  /** Changes whenever the stored refresh token is replaced (see SecretStore.stamp). */
  refreshTokenStamp: string;
}

export type Credential = AppCredential | DelegatedCredential;

/** The app credential behind any credential. */
export function appCredentialOf(credential: Credential): AppCredential {
  return credential.kind === "refresh_token" ? credential.app : credential;
}

/**
 * A short digest that changes when the admin replaces the credential (a new secret,
 * certificate or sign-in), so a tenant backed off after a dead credential is tried again at
 * once. It reveals nothing usable: a truncated SHA-256 of high-entropy values.
 */
export function credentialFingerprint(credential: Credential): string {
  const app = appCredentialOf(credential);
  const material = app.kind === "client_secret"
    ? [app.kind, app.clientId, app.secret.reveal()]
    : [app.kind, app.clientId, app.thumbprintSha256, app.privateKey.reveal()];
  if (credential.kind === "refresh_token") material.push(credential.refreshTokenStamp);
  return createHash("sha256").update(JSON.stringify(material)).digest("hex").slice(0, 16);
}

/**
 * Reads an MSSP app registration ("account"): its client id and credential type from the
 * account conf, and its client secret or certificate from storage/passwords.
 *
 * @throws AddonError ACCOUNT_NOT_FOUND, CONFIG_INVALID (unknown credential_type),
 * SECRET_NOT_FOUND, CERTIFICATE_NOT_FOUND, CERTIFICATE_UNUSABLE, SECRET_UNREADABLE, SPLUNKD_*
 */
export async function loadAppCredential(
  splunkd: SplunkdClient,
  secrets: SecretStore,
  account: string,
  nowMs: number,
): Promise<AppCredential> {
  const stanza = await readConfStanza(splunkd, ACCOUNT_CONF, account);
  const clientId = stanza?.["client_id"]?.trim();
  if (stanza === undefined || clientId === undefined || clientId === "") {
    throw new AddonError(
      "ACCOUNT_NOT_FOUND",
      `Account '${account}' does not exist or has no client_id in ${ACCOUNT_CONF}.conf`,
      { account },
    );
  }
  const typeText = (stanza["credential_type"]?.trim() || "client_secret").toLowerCase();
  const type = CREDENTIAL_TYPES.find((t) => t === typeText);
  if (type === undefined) {
    throw new AddonError("CONFIG_INVALID",
      `Account '${account}': credential_type '${typeText}' is unknown: use client_secret or ` +
      "certificate", { account });
  }

  if (type === "client_secret") {
    const secret = await secrets.read(secretNames.clientSecret(account));
    if (secret === undefined || secret.length === 0) {
      throw new AddonError(
        "SECRET_NOT_FOUND",
        `Account '${account}' has no client secret in storage/passwords ` +
          `(realm ${SECRET_REALM}, user ${secretNames.clientSecret(account)})`,
        { account },
      );
    }
    return { kind: "client_secret", clientId, secret };
  }

  const privateKey = await secrets.read(secretNames.privateKey(account));
  const certificate = await secrets.read(secretNames.certificate(account));
  if (privateKey === undefined || certificate === undefined) {
    throw new AddonError(
      "CERTIFICATE_NOT_FOUND",
      `Account '${account}' uses a certificate but storage/passwords has no ` +
        `${privateKey === undefined ? "private key" : "certificate"} for it (realm ` +
        `${SECRET_REALM}, user ${privateKey === undefined ? secretNames.privateKey(account)
          : secretNames.certificate(account)})`,
      { account },
    );
  }
  const parts = checkCertificateCredential(privateKey, certificate.reveal(), nowMs, account);
  return { kind: "certificate", clientId, ...parts };
}

/**
 * The credential of one input: the account's app credential, and for delegated inputs the
 * presence of the input's refresh token (read itself later, under the input's lease).
 *
 * @throws AddonError as loadAppCredential, and REFRESH_TOKEN_NOT_FOUND
 */
export async function loadCredential(
  splunkd: SplunkdClient,
  secrets: SecretStore,
  input: { account: string; authMode: AuthMode; inputName: string; tenantId: string },
  nowMs: number,
): Promise<Credential> {
  const app = await loadAppCredential(splunkd, secrets, input.account, nowMs);
  if (input.authMode === "app_only") return app;

  const name = secretNames.refreshToken(input.inputName);
  const stamp = await secrets.stamp(name);
  if (stamp === undefined) {
    throw new AddonError("REFRESH_TOKEN_NOT_FOUND",
      `Input '${input.inputName}' is delegated but no customer has signed in for tenant ` +
      `${input.tenantId} yet (no refresh token in storage/passwords, user ${name})`,
      { tenant_id: input.tenantId });
  }
  return { kind: "refresh_token", app, input: input.inputName, refreshTokenStamp: stamp };
}
