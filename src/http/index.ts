export { createHttpClient } from "./client.ts";
export type {
  HttpClient,
  HttpClientOptions,
  HttpRequest,
  HttpResponse,
  StreamingResponse,
} from "./client.ts";
export { splunkCaFile, trustedCas } from "./trust.ts";
export { describeProxy, parseNoProxy, parseProxyUrl, planProxy, proxyFor } from "./proxy.ts";
export type { NoProxyRules, ProxyEndpoint, ProxyEnv, ProxyPlan } from "./proxy.ts";
export { createDeferredHttpClient } from "./deferred-client.ts";
