export { CLOUD_ENDPOINTS, CLOUDS, joinUrl, normaliseBaseUrl } from "./clouds.ts";
export type { Cloud, CloudEndpoints } from "./clouds.ts";
export {
  APIS,
  AUTH_MODES,
  DEFAULT_LAG_SECONDS,
  DEFAULT_LOOKBACK_DAYS,
  DEFAULT_PAGE_SIZE,
  DEFAULT_SOURCETYPE,
  MAX_PAGE_SIZE,
  parseInputConfig,
} from "./input-config.ts";
export type { Api, AuthMode, InputConfig } from "./input-config.ts";
