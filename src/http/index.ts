export { createHttpClient } from "./client.ts";
export type {
  HttpClient,
  HttpClientOptions,
  HttpRequest,
  HttpResponse,
  StreamingResponse,
} from "./client.ts";
export { splunkCaFile, trustedCas } from "./trust.ts";
