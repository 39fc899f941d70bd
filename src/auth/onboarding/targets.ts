import {
  APIS, CLOUDS, endpointsFor, normaliseBaseUrl, normaliseLoginUrl, tokenProtocolFor, type Api,
  type TokenProtocol,
} from "../../config/index.ts";
import { AddonError } from "../../errors.ts";

/** Where a consent check goes: the login host, and the audience whose token proves consent. */
export interface ConsentTarget {
  cloud: string;
  api: Api;
  loginUrl: URL;
  resource: string;
  protocol: TokenProtocol;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ACCOUNT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export const requestInvalid = (message: string, field: string): AddonError =>
  new AddonError("ONBOARDING_REQUEST_INVALID", message, { field });

/** A required text field. */
export function field(params: Record<string, string>, name: string): string {
  const value = params[name]?.trim();
  if (value === undefined || value === "") throw requestInvalid(`${name} is required`, name);
  return value;
}

export function accountField(params: Record<string, string>): string {
  const account = field(params, "account");
  if (!ACCOUNT_NAME.test(account)) {
    throw requestInvalid(`account '${account}' is not valid: use letters, digits, '_', '.', '-'`, "account");
  }
  return account;
}

export function guidField(params: Record<string, string>, name: string): string {
  const value = field(params, name);
  if (!GUID.test(value)) throw requestInvalid(`${name} '${value}' is not a GUID`, name);
  return value.toLowerCase();
}

/**
 * A redirect URI Entra will send the browser back to: https (or http on localhost, which Entra
 * allows for development), no fragment.
 */
export function redirectUriField(params: Record<string, string>): string {
  const raw = field(params, "redirect_uri");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw requestInvalid(`redirect_uri '${raw}' is not a URL`, "redirect_uri");
  }
  const local = url.protocol === "http:" && (url.hostname === "localhost" || url.hostname === "127.0.0.1");
  if ((url.protocol !== "https:" && !local) || url.hash !== "") {
    throw requestInvalid("redirect_uri must be an https:// URL without a fragment", "redirect_uri");
  }
  return raw;
}

/** The cloud, API and (for custom) login URL and resource of a consent request. */
export function consentTarget(params: Record<string, string>): ConsentTarget {
  const cloud = (params["cloud"]?.trim() || "commercial").toLowerCase();
  if (!(CLOUDS as readonly string[]).includes(cloud)) {
    throw requestInvalid(`cloud '${cloud}' is unknown: use one of ${CLOUDS.join(", ")}`, "cloud");
  }
  const api = (params["api"]?.trim() || "mde").toLowerCase() as Api;
  if (!APIS.includes(api)) throw requestInvalid(`api '${api}' is not supported: use mde, graph or siem`, "api");

  const defaults = cloud === "custom" ? undefined : endpointsFor(cloud as Exclude<typeof CLOUDS[number], "custom">, api);
  const loginText = params["login_url"]?.trim() || defaults?.loginUrl;
  if (loginText === undefined) throw requestInvalid("login_url is required when cloud is custom", "login_url");
  const loginUrl = normaliseLoginUrl(loginText);
  if (typeof loginUrl === "string") throw requestInvalid(`login_url: ${loginUrl}`, "login_url");
  const resourceText = params["api_resource"]?.trim() || defaults?.resource || endpointsFor("commercial", api).resource;
  const resource = normaliseBaseUrl(resourceText, ["/.default"]);
  if (typeof resource === "string") throw requestInvalid(`api_resource: ${resource}`, "api_resource");
  return {
    cloud, api, loginUrl, resource: resource.href.replace(/\/$/, ""), protocol: tokenProtocolFor(api),
  };
}
