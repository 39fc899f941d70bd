import type { Directory } from "./directory.ts";

/**
 * What the `{tenant}` URL segment names: one directory, or an alias (`common`,
 * `organizations`, `consumers`) that stands for a class of tenants (microsoft-apis.md §4).
 */
export type Authority =
  | { kind: "tenant"; segment: string; tenantId: string; name: string }
  | { kind: "alias"; segment: "common" | "organizations" | "consumers" };

/** Resolves a segment by tenant id or domain; `undefined` means AADSTS90002. */
export function resolveAuthority(directory: Directory, segment: string): Authority | undefined {
  const alias = segment.toLowerCase();
  if (alias === "common" || alias === "organizations" || alias === "consumers") {
    return { kind: "alias", segment: alias };
  }
  const tenant = directory.findTenant(segment);
  if (tenant === undefined) return undefined;
  return { kind: "tenant", segment, tenantId: tenant.id, name: tenant.domain ?? tenant.id };
}
