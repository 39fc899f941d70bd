export {
  APIS,
  CLOUD_ENDPOINTS,
  CLOUDS,
  defaultScope,
  endpointsFor,
  joinUrl,
  normaliseBaseUrl,
  normaliseLoginUrl,
  SIEM_REGIONAL_HOSTS,
  tokenProtocolFor,
} from "./clouds.ts";
export type { Api, ApiEndpoints, Cloud, CloudEndpoints, TokenProtocol } from "./clouds.ts";
export {
  AUTH_MODES,
  DEFAULT_LAG_SECONDS,
  DEFAULT_LOOKBACK_DAYS,
  DEFAULT_PAGE_SIZE,
  DEFAULT_SOURCETYPE,
  MAX_PAGE_SIZE,
  parseInputConfig,
  SOURCETYPES,
} from "./input-config.ts";
export type { AuthMode, InputConfig } from "./input-config.ts";
