// The parts of undici the add-on uses, loaded from their own modules. undici's package index
// evaluates all of undici (fetch, WebSocket, caches, mocks) whenever it is imported: about 35 ms
// of every run's start, paid by every tenant every interval (docs/BENCHMARKS.md). The types are
// the index's own; undici-modules.d.ts ties them to these files, and the tests that send real
// requests through the client (test/http) fail if a file moves in an undici upgrade.
import type { Agent as AgentInstance, Dispatcher, ProxyAgent as ProxyAgentInstance } from "undici";
import api from "undici/lib/api/index.js";
import errorClasses from "undici/lib/core/errors.js";
import AgentClass from "undici/lib/dispatcher/agent.js";
import DispatcherClass from "undici/lib/dispatcher/dispatcher.js";
import ProxyAgentClass from "undici/lib/dispatcher/proxy-agent.js";

// What the index does first: every dispatcher gets request(), connect() and the other API
// methods (ProxyAgent opens its tunnels with connect()).
Object.assign(DispatcherClass.prototype, api);

export const Agent = AgentClass;
export type Agent = AgentInstance;
export const ProxyAgent = ProxyAgentClass;
export type ProxyAgent = ProxyAgentInstance;
export const errors = errorClasses;

/** undici's `request()` for a request that names its dispatcher (never the global one). */
export function request(
  url: URL,
  opts: Omit<Dispatcher.RequestOptions, "origin" | "path"> & { dispatcher: Dispatcher },
): Promise<Dispatcher.ResponseData> {
  const { dispatcher, ...rest } = opts;
  return dispatcher.request({ ...rest, origin: url.origin, path: `${url.pathname}${url.search}` });
}
