import { createHash, randomUUID, X509Certificate } from "node:crypto";

import { findResource, RESOURCE_APPS, type ResourceApp } from "./resources.ts";

/** A customer directory. `domain` (e.g. `contoso.onmicrosoft.com`) also names it in URLs. */
export interface Tenant {
  id: string;
  domain?: string;
  policy: TenantPolicy;
}

/** Tenant-wide token rules a test can switch on. */
export interface TenantPolicy {
  /**
   * Conditional Access sign-in frequency: a refresh token whose original sign-in is older than
   * this is refused with AADSTS70043. Unset: no such policy.
   */
  signInFrequencyMs?: number;
  /**
   * Whether a refresh token stops working once it has been redeemed. Entra "doesn't revoke old
   * refresh tokens when used" (microsoft-apis.md §4), so the default is false; true models the
   * stricter behaviour clients must not rely on either way.
   */
  invalidateUsedRefreshTokens?: boolean;
}

export interface AppSecret {
  value: string;
  /** ms epoch; the secret is refused from this instant on (AADSTS7000222). */
  expiresAt?: number;
}

/** A certificate uploaded to the app registration ("Certificates & secrets"). */
export interface AppCertificate {
  /** PEM of the public certificate. */
  pem: string;
  /** ms epoch; refused from this instant on (AADSTS700027 "key used is expired"). Default: the certificate's notAfter. */
  expiresAt?: number;
}

/** A registered certificate with the thumbprints Entra looks assertions up by. */
export interface RegisteredCertificate {
  certificate: X509Certificate;
  /** base64url SHA-256 of the DER, as in `x5t#S256`. */
  x5tS256: string;
  /** base64url SHA-1 of the DER, as in `x5t`. */
  x5t: string;
  expiresAt: number;
}

/** One API permission the app asks for (its "API permissions" page). */
export interface RequiredAccess {
  resource: string;
  /** Application permissions (app roles), granted by admin consent. */
  roles?: string[];
  /** Delegated permissions (OAuth2 scopes such as `Alert.Read`). */
  scopes?: string[];
}

/** The MSSP's multi-tenant app registration (home tenant irrelevant to the stand-in). */
export interface AppRegistration {
  clientId: string;
  displayName: string;
  secrets: readonly AppSecret[];
  certificates: readonly RegisteredCertificate[];
  /** Web redirect URIs, compared exactly (as Entra does for web apps). */
  redirectUris: readonly string[];
  requiredResourceAccess: readonly RequiredAccess[];
}

export interface Grant {
  /** Any identifier URI of a known resource app (`https://api.securitycenter.microsoft.com`). */
  resource: string;
  roles: string[];
  /** Delegated permissions granted for all users of the tenant (admin consent). */
  scopes?: string[];
}

/** The app's enterprise application in one tenant, created by admin consent. */
export interface ServicePrincipal {
  objectId: string;
  clientId: string;
  /** Granted application roles, by resource app id. */
  roles: ReadonlyMap<string, readonly string[]>;
  /** Granted delegated permissions, by resource app id. */
  scopes: ReadonlyMap<string, readonly string[]>;
}

/** A user who can sign in to the authorize and admin consent pages. */
export interface User {
  tenantId: string;
  oid: string;
  upn: string;
  displayName: string;
  /** A Global Administrator: can grant admin consent for the tenant. */
  admin: boolean;
}

/** Tenants, apps, users and consents: the directory state every route reads. */
export interface Directory {
  addTenant(tenantId: string, opts?: { domain?: string }): Tenant;
  setPolicy(tenantId: string, policy: TenantPolicy): void;
  registerApp(app: AppInput): void;
  setSecrets(clientId: string, secrets: AppSecret[]): void;
  updateApp(clientId: string, changes: AppChanges): void;
  consent(c: { tenantId: string; clientId: string; grants: Grant[] }): ServicePrincipal;
  /** Adds grants to the app's service principal in the tenant, creating it when missing. */
  addGrants(c: { tenantId: string; clientId: string; grants: Grant[] }): ServicePrincipal;
  /** Removes the delegated permissions granted on one resource ("withdraw consent"). */
  removeDelegated(tenantId: string, clientId: string, resource: string): void;
  revokeConsent(tenantId: string, clientId: string): void;
  addUser(user: { tenantId: string; upn: string; displayName?: string; admin?: boolean }): User;
  /** By tenant id or domain, case-insensitively, as the URL segment names it. */
  findTenant(segment: string): Tenant | undefined;
  findApp(clientId: string): AppRegistration | undefined;
  findServicePrincipal(tenantId: string, clientId: string): ServicePrincipal | undefined;
  findUser(upnOrOid: string): User | undefined;
}

export interface AppInput {
  clientId: string;
  displayName?: string;
  secrets: AppSecret[];
  certificates?: AppCertificate[];
  redirectUris?: string[];
  requiredResourceAccess?: RequiredAccess[];
}

export type AppChanges = Partial<Pick<AppInput, "certificates" | "redirectUris" |
  "requiredResourceAccess" | "displayName">>;

const TENANT_NAME = /^[A-Za-z0-9][A-Za-z0-9.-]*$/;

/** Path segments that name a class of tenants, never one directory (microsoft-apis.md §4). */
export const TENANT_ALIASES: ReadonlySet<string> = new Set([
  "common", "organizations", "consumers",
]);

function registerCertificate(input: AppCertificate): RegisteredCertificate {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(input.pem);
  } catch {
    throw new Error("entra peer: a certificate must be a PEM X.509 certificate");
  }
  const digest = (algorithm: string): string =>
    createHash(algorithm).update(certificate.raw).digest("base64url");
  return {
    certificate,
    x5tS256: digest("sha256"),
    x5t: digest("sha1"),
    expiresAt: input.expiresAt ?? Date.parse(certificate.validTo),
  };
}

/** Creates an empty directory. Setup mistakes throw, so a test cannot half-configure it. */
export function createDirectory(): Directory {
  const tenants = new Map<string, Tenant>();
  const names = new Map<string, Tenant>();
  const apps = new Map<string, AppRegistration>();
  const principals = new Map<string, ServicePrincipal>();
  const users = new Map<string, User>();
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
  const checkAccess = (access: RequiredAccess[]): RequiredAccess[] =>
    access.map((a) => {
      if (findResource(a.resource) === undefined) {
        throw new Error(`entra peer: unknown resource ${a.resource}`);
      }
      return { resource: a.resource, roles: [...(a.roles ?? [])], scopes: [...(a.scopes ?? [])] };
    });

  const consent: Directory["consent"] = ({ tenantId, clientId, grants }) => {
    const tenant = requireTenant(tenantId);
    const app = requireApp(clientId);
    const roles = new Map<string, string[]>();
    const scopes = new Map<string, string[]>();
    const merge = (into: Map<string, string[]>, appId: string, values: string[]): void => {
      into.set(appId, [...new Set([...(into.get(appId) ?? []), ...values])].sort());
    };
    for (const grant of grants) {
      const resource: ResourceApp | undefined = findResource(grant.resource)?.app;
      if (resource === undefined) {
        throw new Error(`entra peer: unknown resource ${grant.resource}`);
      }
      merge(roles, resource.appId, grant.roles);
      if (grant.scopes !== undefined) merge(scopes, resource.appId, grant.scopes);
    }

    // Consenting again replaces the grants but keeps the service principal's object id.
    const key = principalKey(tenant.id, app.clientId);
    const objectId = principals.get(key)?.objectId ?? randomUUID();
    const principal: ServicePrincipal = { objectId, clientId: app.clientId, roles, scopes };
    principals.set(key, principal);
    return principal;
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
      const tenant: Tenant = {
        id: tenantId, ...(opts.domain ? { domain: opts.domain } : {}), policy: {},
      };
      tenants.set(tenantId.toLowerCase(), tenant);
      names.set(tenantId.toLowerCase(), tenant);
      if (opts.domain !== undefined) names.set(opts.domain.toLowerCase(), tenant);
      return tenant;
    },

    setPolicy(tenantId, policy) {
      requireTenant(tenantId).policy = { ...policy };
    },

    registerApp(input) {
      if (apps.has(input.clientId.toLowerCase())) {
        throw new Error(`entra peer: app ${input.clientId} already registered`);
      }
      apps.set(input.clientId.toLowerCase(), {
        clientId: input.clientId,
        displayName: input.displayName ?? input.clientId,
        secrets: checkSecrets(input.secrets),
        certificates: (input.certificates ?? []).map(registerCertificate),
        redirectUris: [...(input.redirectUris ?? [])],
        requiredResourceAccess: checkAccess(input.requiredResourceAccess ?? []),
      });
    },

    setSecrets(clientId, secrets) {
      const app = requireApp(clientId);
      apps.set(clientId.toLowerCase(), { ...app, secrets: checkSecrets(secrets) });
    },

    updateApp(clientId, changes) {
      const app = requireApp(clientId);
      apps.set(clientId.toLowerCase(), {
        ...app,
        ...(changes.displayName !== undefined ? { displayName: changes.displayName } : {}),
        ...(changes.certificates !== undefined
          ? { certificates: changes.certificates.map(registerCertificate) } : {}),
        ...(changes.redirectUris !== undefined ? { redirectUris: [...changes.redirectUris] } : {}),
        ...(changes.requiredResourceAccess !== undefined
          ? { requiredResourceAccess: checkAccess(changes.requiredResourceAccess) } : {}),
      });
    },

    consent,

    addGrants({ tenantId, clientId, grants }) {
      const existing = principals.get(principalKey(requireTenant(tenantId).id, clientId));
      const current: Grant[] = [];
      for (const resource of RESOURCE_APPS) {
        const roles = existing?.roles.get(resource.appId) ?? [];
        const scopes = existing?.scopes.get(resource.appId) ?? [];
        if (roles.length + scopes.length === 0) continue;
        current.push({
          resource: resource.identifierUris[0] ?? "", roles: [...roles], scopes: [...scopes],
        });
      }
      return consent({ tenantId, clientId, grants: [...current, ...grants] });
    },

    removeDelegated(tenantId, clientId, resource) {
      const key = principalKey(requireTenant(tenantId).id, clientId);
      const principal = principals.get(key);
      const appId = findResource(resource)?.app.appId;
      if (principal === undefined || appId === undefined) return;
      const scopes = new Map(principal.scopes);
      scopes.delete(appId);
      principals.set(key, { ...principal, scopes });
    },

    revokeConsent(tenantId, clientId) {
      principals.delete(principalKey(requireTenant(tenantId).id, clientId));
    },

    addUser({ tenantId, upn, displayName, admin }) {
      const tenant = requireTenant(tenantId);
      if (users.has(upn.toLowerCase())) throw new Error(`entra peer: user ${upn} exists`);
      const user: User = {
        tenantId: tenant.id, oid: randomUUID(), upn, displayName: displayName ?? upn,
        admin: admin ?? false,
      };
      users.set(upn.toLowerCase(), user);
      users.set(user.oid, user);
      return user;
    },

    findTenant: (segment) => names.get(segment.toLowerCase()),
    findApp: (clientId) => apps.get(clientId.toLowerCase()),
    findServicePrincipal: (tenantId, clientId) => principals.get(principalKey(tenantId, clientId)),
    findUser: (upnOrOid) => users.get(upnOrOid.toLowerCase()),
  };
}
