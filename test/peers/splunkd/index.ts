// The splunkd stand-in and the runner that starts a modular input the way splunkd does.
export { createSplunkdPeer, SYSTEM_USER } from "./splunkd-peer.ts";
export type { RecordedRequest, SplunkdPeer, SplunkdPeerOptions } from "./splunkd-peer.ts";
export { DEFAULT_USERS, type SplunkUser } from "./sessions.ts";
export type { KvStoreStatus } from "./kv-endpoint.ts";
export type { ModularInputCode } from "./inputs-endpoint.ts";
export type { Json, KvDocument } from "./kv-query.ts";
export { credentialName, escapeCredentialPart } from "./passwords-endpoint.ts";
export type { StoredPassword } from "./passwords-endpoint.ts";
export { parseConf, readConfFile, type ConfStanzas } from "./conf-file.ts";
export { createInputRunner } from "./input-runner.ts";
export type { InputRunner, InputRunnerOptions, ValidationResult } from "./input-runner.ts";
export type { RunOptions, RunResult } from "./input-run.ts";
export type { InputParams } from "./input-documents.ts";
export type { InputScheme, SchemeArg } from "./scheme-parser.ts";
export type { EventIndex, IndexedEvent } from "./event-index.ts";
export type { SplunkdLevel } from "./splunkd-log.ts";
