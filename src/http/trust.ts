import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { rootCertificates } from "node:tls";

/**
 * The certificate authorities an outbound connection trusts: Node's bundled roots, the file named
 * by NODE_EXTRA_CA_CERTS, any extra PEM files (splunkd's own CA) and extra PEM certificates
 * (the add-on's custom CA bundle, for a TLS-inspecting proxy). Returns undefined when there is
 * nothing to add, so the default store is used untouched. Verification is never turned off.
 */
export function trustedCas(extraPemFiles: string[] = [], extraPems: string[] = []): string[] | undefined {
  const files = [process.env["NODE_EXTRA_CA_CERTS"], ...extraPemFiles].filter(
    (file): file is string => typeof file === "string" && file !== "" && existsSync(file),
  );
  if (files.length === 0 && extraPems.length === 0) return undefined;
  return [...rootCertificates, ...files.map((file) => readFileSync(file, "utf8")), ...extraPems];
}

/** splunkd's own CA, which signs its default management-port certificate. */
export function splunkCaFile(): string[] {
  const home = process.env["SPLUNK_HOME"];
  if (home === undefined || home === "") return [];
  const file = join(home, "etc", "auth", "cacert.pem");
  return existsSync(file) ? [file] : [];
}
