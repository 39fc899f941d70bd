import { AddonError } from "../../errors.ts";

// A nextLink gets the bearer token, so it may only point at the configured API host or another
// Defender API host of Microsoft's (the service may answer on a sibling host name).
const DEFENDER_HOSTS = /(^|\.)(securitycenter|security)\.microsoft\.(com|us)$/i;

/** @throws AddonError API_RESPONSE_INVALID for a link the token must not be sent to. */
export function checkNextLink(link: string, apiUrl: URL, hosts: RegExp = DEFENDER_HOSTS): URL {
  let url: URL;
  try {
    url = new URL(link, apiUrl);
  } catch {
    throw new AddonError("API_RESPONSE_INVALID", "The API returned an @odata.nextLink that is not a URL");
  }
  const sameHost = url.host === apiUrl.host;
  if (url.protocol !== "https:" || (!sameHost && !hosts.test(url.hostname))) {
    throw new AddonError(
      "API_RESPONSE_INVALID",
      `The API's @odata.nextLink points to ${url.host}, which is not a Defender API host; ` +
        "the token is not sent there",
      { host: url.host },
    );
  }
  return url;
}
