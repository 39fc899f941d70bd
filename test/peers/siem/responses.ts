// What the SIEM API stand-in answers: a bare JSON array on success; errors as the docs list
// them (401 malformed request or invalid token, 403 tenant not managed or deleted, 500 service
// error); and the answer of a retired endpoint.

import type { PeerResponse } from "../shared/peer-server.ts";

export const JSON_UTF8 = "application/json; charset=utf-8";
/** The Graph API Microsoft names as the SIEM API's replacement (configure-siem.md). */
export const SUCCESSOR_URL = "https://graph.microsoft.com/v1.0/security/alerts_v2";

/** A bare JSON array of detection records (not OData: no envelope, no paging). */
export function siemArray(records: readonly unknown[]): PeerResponse {
  return { status: 200, headers: { "content-type": JSON_UTF8 }, body: JSON.stringify(records) };
}

/**
 * An error in the envelope ASP.NET Web API writes by default, `{"Message": "..."}`.
 * Assumption: the exporter is such a service; its error bodies are undocumented.
 */
export function siemError(status: number, message: string,
  headers: Record<string, string> = {}): PeerResponse {
  return { status, headers: { "content-type": JSON_UTF8, ...headers },
    body: JSON.stringify({ Message: message }) };
}

// Assumption: ASP.NET Web API's default texts for 401 and 500.
export const DENIED = "Authorization has been denied for this request.";
export const SERVICE_ERROR = "An error has occurred.";

export function unauthorized(detail?: string): PeerResponse {
  return siemError(401, detail === undefined ? DENIED : `${DENIED} ${detail}`,
    { "www-authenticate": "Bearer" });
}

export function forbidden(): PeerResponse {
  return siemError(403, "Unauthorized exception: one of the domains is not managed by the " +
    "tenant administrator, or the tenant state is deleted.");
}

/**
 * The answer of a retired endpoint, to every request. Assumption: Microsoft's choice is
 * unknown ("we reserve the right to turn off the SIEM API, without further notice"); this
 * stand-in answers 410 Gone before any token check, names the retirement and the successor in
 * the body, and links the successor in a `Link` header (rel `successor-version`, RFC 5829).
 */
export function retiredResponse(): PeerResponse {
  return siemError(410, "The Microsoft Defender for Endpoint SIEM API has been retired. " +
    `Use the Microsoft Graph security API instead: GET ${SUCCESSOR_URL}.`,
  { link: `<${SUCCESSOR_URL}>; rel="successor-version"` });
}
