import { randomBytes, timingSafeEqual } from "node:crypto";

/** A splunkd user the stand-in knows. */
export interface SplunkUser {
  password: string;
  roles: string[];
}

/** Who a session key belongs to and what it may do. */
export interface Session {
  user: string;
  /** The session key itself, which splunkd hands to the app's REST handlers (passSession). */
  key: string;
  roles: readonly string[];
  capabilities: ReadonlySet<string>;
}

/** The user splunkd hands to modular inputs through `<session_key>`. */
export const SYSTEM_USER = "splunk-system-user";

const USER_CAPABILITIES = [
  "search",
  "get_metadata",
  "rest_properties_get",
  "list_inputs",
  "change_own_password",
];

const ADMIN_CAPABILITIES = [
  ...USER_CAPABILITIES,
  "admin_all_objects",
  "list_storage_passwords",
  "edit_storage_passwords",
  "rest_properties_set",
  "list_settings",
  "edit_user",
];

// Assumption: a trimmed copy of splunkd's stock roles; the capability names are splunkd's,
// the lists are shortened to what the endpoints of this stand-in check.
const ROLE_CAPABILITIES: Record<string, readonly string[]> = {
  admin: ADMIN_CAPABILITIES,
  sc_admin: ADMIN_CAPABILITIES,
  power: [...USER_CAPABILITIES, "schedule_search", "rtsearch"],
  user: USER_CAPABILITIES,
};

/** Default accounts: an admin, and an analyst whose `user` role lacks list_storage_passwords. */
export const DEFAULT_USERS: Record<string, SplunkUser> = {
  admin: { password: "Chang3d!-admin", roles: ["admin"] },
  analyst: { password: "Chang3d!-analyst", roles: ["user"] },
};

/** Session keys minted by login or handed out for tests and modular inputs. */
export interface Sessions {
  /** Returns a new session key, or undefined for an unknown user or a wrong password. */
  login(username: string, password: string): string | undefined;
  /** A new session key for a known user or {@link SYSTEM_USER}; throws for anyone else. */
  keyFor(user: string): string;
  lookup(key: string): Session | undefined;
  /** Forgets every key, as a splunkd restart or a session timeout does. */
  expireAll(): void;
}

export function createSessions(users: Record<string, SplunkUser>): Sessions {
  const byKey = new Map<string, Session>();

  const mint = (user: string, roles: readonly string[]): string => {
    const key = newSessionKey();
    byKey.set(key, { user, key, roles, capabilities: capabilitiesOf(roles) });
    return key;
  };

  return {
    login(username, password) {
      const account = Object.hasOwn(users, username) ? users[username] : undefined;
      if (!account || !sameText(account.password, password)) return undefined;
      return mint(username, account.roles);
    },
    keyFor(user) {
      if (user === SYSTEM_USER) return mint(SYSTEM_USER, ["admin"]);
      const account = Object.hasOwn(users, user) ? users[user] : undefined;
      if (!account) throw new Error(`splunkd stand-in has no user named ${user}`);
      return mint(user, account.roles);
    },
    lookup(key) {
      return byKey.get(key);
    },
    expireAll() {
      byKey.clear();
    },
  };
}

/** The capabilities a set of roles grants; unknown role names grant nothing. */
export function capabilitiesOf(roles: readonly string[]): ReadonlySet<string> {
  const granted = new Set<string>();
  for (const role of roles) {
    for (const capability of ROLE_CAPABILITIES[role] ?? []) granted.add(capability);
  }
  return granted;
}

// Real keys look like `OwLHq7…^KUKEA8…`: url-safe base64 with a `^` inside.
function newSessionKey(): string {
  const body = randomBytes(96).toString("base64url");
  return `${body.slice(0, 64)}^${body.slice(64)}`;
}

function sameText(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
