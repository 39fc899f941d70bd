export { createSplunkdClient, splunkdMessage } from "./client.ts";
export type { SplunkdClient, SplunkdResponse } from "./client.ts";
export { readConfStanza, readConfStanzas } from "./conf.ts";
export { createKvCollection } from "./kvstore.ts";
export type { KvCollection } from "./kvstore.ts";
export { createPasswordStore, passwordEntryName } from "./passwords.ts";
export type { PasswordStore } from "./passwords.ts";
