export { createHttpClient } from "./client.ts";
export type { HttpClient, HttpClientOptions, HttpRequest, HttpResponse } from "./client.ts";
export { splunkCaFile, trustedCas } from "./trust.ts";
