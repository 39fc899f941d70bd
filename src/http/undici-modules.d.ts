// Types for the undici modules that src/http/undici.ts loads one by one: the classes and the
// functions the package index exports from them.
declare module "undici/lib/dispatcher/agent.js" {
  import type { Agent } from "undici";
  const AgentClass: typeof Agent;
  export default AgentClass;
}
declare module "undici/lib/dispatcher/proxy-agent.js" {
  import type { ProxyAgent } from "undici";
  const ProxyAgentClass: typeof ProxyAgent;
  export default ProxyAgentClass;
}
declare module "undici/lib/dispatcher/dispatcher.js" {
  import type { Dispatcher } from "undici";
  const DispatcherClass: typeof Dispatcher;
  export default DispatcherClass;
}
declare module "undici/lib/api/index.js" {
  const api: Record<"request" | "stream" | "pipeline" | "upgrade" | "connect", (...args: unknown[]) => unknown>;
  export default api;
}
declare module "undici/lib/core/errors.js" {
  import type { errors } from "undici";
  const errorClasses: typeof errors;
  export default errorClasses;
}
