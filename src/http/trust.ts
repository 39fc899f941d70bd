import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { rootCertificates } from "node:tls";

/**
 * The certificate authorities an outbound connection trusts: Node's bundled roots, the file named
 * by NODE_EXTRA_CA_CERTS, any extra PEM files (splunkd's own CA) and extra PEM certificates
 * (the add-on's custom CA bundle, for a TLS-inspecting proxy). Returns undefined when there is
 * nothing to add to Node's default store, which already holds the roots and NODE_EXTRA_CA_CERTS
 * and costs nothing to build again; a list replaces that store, so it names them too.
 * Verification is never turned off.
 */
export function trustedCas(extraPemFiles: string[] = [], extraPems: string[] = []): string[] | undefined {
  const extraFiles = extraPemFiles.filter((file) => file !== "" && existsSync(file));
  if (extraFiles.length === 0 && extraPems.length === 0) return undefined;
  const nodeExtra = process.env["NODE_EXTRA_CA_CERTS"];
  const files = nodeExtra !== undefined && nodeExtra !== "" && existsSync(nodeExtra) ? [nodeExtra, ...extraFiles] : extraFiles;
  return [...rootCertificates, ...files.map((file) => readFileSync(file, "utf8")), ...extraPems];
}

/** splunkd's own CA, which signs its default management-port certificate. */
export function splunkCaFile(): string[] {
  const home = process.env["SPLUNK_HOME"];
  if (home === undefined || home === "") return [];
  const file = join(home, "etc", "auth", "cacert.pem");
  return existsSync(file) ? [file] : [];
}
