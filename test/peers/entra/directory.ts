import { randomUUID } from "node:crypto";

import { findResource, type ResourceApp } from "./resources.ts";

/** A customer directory. `domain` (e.g. `contoso.onmicrosoft.com`) also names it in URLs. */
export interface Tenant {
  id: string;
  domain?: string;
}

export interface AppSecret {
  value: string;
  /** ms epoch; the secret is refused from this instant on (AADSTS7000222). */
  expiresAt?: number;
}

/** The MSSP's multi-tenant app registration (home tenant irrelevant to the stand-in). */
export interface AppRegistration {
  clientId: string;
  displayName: string;
  secrets: readonly AppSecret[];
}

export interface Grant {
  /** Any identifier URI of a known resource app (`https://api.securitycenter.microsoft.com`). */
  resource: string;
  roles: string[];
}

/** The app's enterprise application in one tenant, created by admin consent. */
export interface ServicePrincipal {
  objectId: string;
  clientId: string;
  /** Granted application roles, by resource app id. */
  roles: ReadonlyMap<string, readonly string[]>;
}

/** Tenants, apps and consents: the directory state every route reads. */
export interface Directory {
  addTenant(tenantId: string, opts?: { domain?: string }): Tenant;
  registerApp(app: { clientId: string; displayName?: string; secrets: AppSecret[] }): void;
  setSecrets(clientId: string, secrets: AppSecret[]): void;
  consent(c: { tenantId: string; clientId: string; grants: Grant[] }): ServicePrincipal;
  revokeConsent(tenantId: string, clientId: string): void;
  /** By tenant id or domain, case-insensitively, as the URL segment names it. */
  findTenant(segment: string): Tenant | undefined;
  findApp(clientId: string): AppRegistration | undefined;
  findServicePrincipal(tenantId: string, clientId: string): ServicePrincipal | undefined;
}

const TENANT_NAME = /^[A-Za-z0-9][A-Za-z0-9.-]*$/;

/** Path segments that name a class of tenants, never one directory (microsoft-apis.md §4). */
export const TENANT_ALIASES: ReadonlySet<string> = new Set([
  "common", "organizations", "consumers",
]);

/** Creates an empty directory. Setup mistakes throw, so a test cannot half-configure it. */
export function createDirectory(): Directory {
  const tenants = new Map<string, Tenant>();
  const names = new Map<string, Tenant>();
  const apps = new Map<string, AppRegistration>();
  const principals = new Map<string, ServicePrincipal>();
  const principalKey = (tenantId: string, clientId: string): string =>
    `${tenantId.toLowerCase()}|${clientId.toLowerCase()}`;

  const requireTenant = (tenantId: string): Tenant => {
    const tenant = tenants.get(tenantId.toLowerCase());
    if (tenant === undefined) throw new Error(`entra peer: unknown tenant ${tenantId}`);
    return tenant;
  };
  const requireApp = (clientId: string): AppRegistration => {
    const app = apps.get(clientId.toLowerCase());
    if (app === undefined) throw new Error(`entra peer: unknown app ${clientId}`);
    return app;
  };
  const checkSecrets = (secrets: AppSecret[]): AppSecret[] => {
    if (secrets.some((s) => s.value.length === 0)) {
      throw new Error("entra peer: a client secret must not be empty");
    }
    return secrets.map((s) => ({ ...s }));
  };

  return {
    addTenant(tenantId, opts = {}) {
      for (const name of [tenantId, opts.domain]) {
        if (name === undefined) continue;
        if (!TENANT_NAME.test(name) || TENANT_ALIASES.has(name.toLowerCase())) {
          throw new Error(`entra peer: bad tenant name ${name}`);
        }
        if (names.has(name.toLowerCase())) throw new Error(`entra peer: ${name} already exists`);
      }
      const tenant: Tenant = { id: tenantId, ...(opts.domain ? { domain: opts.domain } : {}) };
      tenants.set(tenantId.toLowerCase(), tenant);
      names.set(tenantId.toLowerCase(), tenant);
      if (opts.domain !== undefined) names.set(opts.domain.toLowerCase(), tenant);
      return tenant;
    },

    registerApp({ clientId, displayName, secrets }) {
      if (apps.has(clientId.toLowerCase())) {
        throw new Error(`entra peer: app ${clientId} already registered`);
      }
      apps.set(clientId.toLowerCase(), {
        clientId, displayName: displayName ?? clientId, secrets: checkSecrets(secrets),
      });
    },

    setSecrets(clientId, secrets) {
      const app = requireApp(clientId);
      apps.set(clientId.toLowerCase(), { ...app, secrets: checkSecrets(secrets) });
    },

    consent({ tenantId, clientId, grants }) {
      const tenant = requireTenant(tenantId);
      const app = requireApp(clientId);
      const roles = new Map<string, string[]>();
      for (const grant of grants) {
        const resource: ResourceApp | undefined = findResource(grant.resource)?.app;
        if (resource === undefined) {
          throw new Error(`entra peer: unknown resource ${grant.resource}`);
        }
        const merged = new Set([...(roles.get(resource.appId) ?? []), ...grant.roles]);
        roles.set(resource.appId, [...merged].sort());
      }

      // Consenting again replaces the grants but keeps the service principal's object id.
      const key = principalKey(tenant.id, app.clientId);
      const objectId = principals.get(key)?.objectId ?? randomUUID();
      const principal: ServicePrincipal = { objectId, clientId: app.clientId, roles };
      principals.set(key, principal);
      return principal;
    },

    revokeConsent(tenantId, clientId) {
      principals.delete(principalKey(requireTenant(tenantId).id, clientId));
    },

    findTenant: (segment) => names.get(segment.toLowerCase()),
    findApp: (clientId) => apps.get(clientId.toLowerCase()),
    findServicePrincipal: (tenantId, clientId) => principals.get(principalKey(tenantId, clientId)),
  };
}
