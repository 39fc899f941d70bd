import { randomUUID } from "node:crypto";

import type { KvStoreStatus } from "./kv-endpoint.ts";
import { buildEnvelope, GENERATOR } from "./rest-envelope.ts";
import type { RestReply } from "./rest-http.ts";

/** The identity one splunkd instance reports; fixed for the life of the peer. */
export interface ServerIdentity {
  serverName: string;
  guid: string;
  startupTime: number;
}

export function createServerIdentity(serverName = "splunk-sh-01"): ServerIdentity {
  return {
    serverName,
    guid: randomUUID().toUpperCase(),
    startupTime: Math.floor(Date.now() / 1000),
  };
}

/**
 * `GET /services/server/info`: one entry named `server-info`. The keys are those of a
 * captured 2011 answer (build, version, serverName, guid, os_*, cpu_arch, isFree, isTrial,
 * licenseState, mode) plus those of modern versions.
 * Assumption: the modern keys and values (product_type, server_roles, kvStoreStatus,
 * numberOfCores, health_info, …) are from memory of a 9.x standalone Enterprise server.
 */
export function serverInfoReply(
  origin: string,
  identity: ServerIdentity,
  kvStoreStatus: KvStoreStatus,
): RestReply {
  const content = {
    activeLicenseGroup: "Enterprise",
    activeLicenseSubgroup: "Production",
    build: GENERATOR.build,
    cpu_arch: "x86_64",
    "eai:acl": null,
    guid: identity.guid,
    health_info: kvStoreStatus === "failed" ? "red" : "green",
    host: identity.serverName,
    host_fqdn: identity.serverName,
    isForwarding: false,
    isFree: false,
    isTrial: false,
    kvStoreStatus,
    licenseState: "OK",
    mode: "normal",
    numberOfCores: 4,
    numberOfVirtualCores: 8,
    os_build: "#1 SMP PREEMPT_DYNAMIC Debian 6.1.106-3 (2024-08-26)",
    os_name: "Linux",
    os_name_extended: "Linux",
    os_version: "6.1.0-25-amd64",
    physicalMemoryMB: 15_885,
    product_type: "enterprise",
    serverName: identity.serverName,
    server_roles: ["indexer", "license_manager", "kv_store"],
    startup_time: identity.startupTime,
    version: GENERATOR.version,
  };
  const entry = {
    name: "server-info",
    app: "",
    owner: "system",
    author: "system",
    sharing: "system" as const,
    content,
    updated: new Date(),
  };
  const ref = { origin, owner: "-", app: "-", base: "server/info", global: true };
  return { status: 200, body: buildEnvelope(ref, [entry], { total: 1, perPage: 30, offset: 0 }) };
}
