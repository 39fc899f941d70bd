export {
  parseCaBundle,
  parseProxySettings,
  PROXY_PASSWORD_REALM,
  PROXY_PASSWORD_USER,
  readNetworkSettings,
  SETTINGS_CONF,
} from "./network-settings.ts";
export type { NetworkSettings } from "./network-settings.ts";
