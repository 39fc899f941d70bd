import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";

import type { TokenSigner } from "./access-token.ts";
import { aadsts, renderFailure } from "./aadsts.ts";
import { resolveAuthority, type Authority } from "./authority.ts";
import type { Directory } from "./directory.ts";
import { sendJson, type Route } from "./http.ts";
import { METADATA_CACHE_CONTROL, openIdConfiguration, v2Issuer } from "./metadata.ts";

/** One discovery request as the peer saw it (MSAL should fetch metadata once per authority). */
export interface DiscoveryRecord {
  at: number;
  tenant: string;
  document: "openid-configuration" | "keys";
  status: number;
}

export interface DiscoveryDeps {
  directory: Directory;
  signer: TokenSigner;
  now(): number;
  origin: string;
  record(entry: DiscoveryRecord): void;
}

/**
 * `GET /{tenant}/v2.0/.well-known/openid-configuration` and `GET /{tenant}/discovery/v2.0/keys`
 * (microsoft-apis.md §4 "Endpoints", "OpenID metadata fields").
 */
export function createDiscoveryRoutes(deps: DiscoveryDeps): Route[] {
  const serve = (
    document: DiscoveryRecord["document"],
    body: (authority: Authority) => unknown,
  ) => (_req: unknown, res: ServerResponse, [segment = ""]: string[]) => {
    const authority = resolveAuthority(deps.directory, segment);
    const at = deps.now();
    if (authority === undefined) {
      // Assumption: discovery answers an unknown tenant with `error: invalid_tenant` (recalled
      // from the real service, not in the reference); the token endpoint says invalid_request.
      const failure = renderFailure(aadsts.tenantNotFound(segment, "invalid_tenant"), {
        now: at, origin: deps.origin, correlationId: randomUUID(), traceId: randomUUID(),
      });
      deps.record({ at, tenant: segment, document, status: failure.status });
      sendJson(res, failure.status, failure.body, failure.headers);
      return;
    }
    deps.record({ at, tenant: segment, document, status: 200 });
    sendJson(res, 200, body(authority), { "cache-control": METADATA_CACHE_CONTROL });
  };

  return [
    {
      method: "GET",
      path: /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/,
      handle: serve("openid-configuration", (a) => openIdConfiguration(deps.origin, a)),
    },
    {
      method: "GET",
      path: /^\/([^/]+)\/discovery\/v2\.0\/keys$/,
      // The real key set names the issuer template, whatever the tenant in the URL.
      handle: serve("keys", () => deps.signer.jwks(v2Issuer(deps.origin, "{tenantid}"))),
    },
  ];
}
