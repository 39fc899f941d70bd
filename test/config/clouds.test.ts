// The cloud table: login host, API base, token audience and protocol per cloud and API
// (peer-failure-modes.md items 14 and 15).
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  APIS, CLOUD_ENDPOINTS, defaultScope, endpointsFor, normaliseLoginUrl, tokenProtocolFor,
} from "../../src/config/index.ts";

const TABLE = [
  ["commercial", "mde", "https://login.microsoftonline.com", "https://api.securitycenter.microsoft.com", "https://api.securitycenter.microsoft.com"],
  ["gcc", "mde", "https://login.microsoftonline.com", "https://api-gcc.securitycenter.microsoft.us", "https://api-gcc.securitycenter.microsoft.us"],
  ["gcc_high", "mde", "https://login.microsoftonline.us", "https://api-gov.securitycenter.microsoft.us", "https://api-gov.securitycenter.microsoft.us"],
  ["dod", "mde", "https://login.microsoftonline.us", "https://api-gov.securitycenter.microsoft.us", "https://api-gov.securitycenter.microsoft.us"],
  ["commercial", "graph", "https://login.microsoftonline.com", "https://graph.microsoft.com", "https://graph.microsoft.com"],
  ["gcc", "graph", "https://login.microsoftonline.com", "https://graph.microsoft.com", "https://graph.microsoft.com"],
  ["gcc_high", "graph", "https://login.microsoftonline.us", "https://graph.microsoft.us", "https://graph.microsoft.us"],
  ["dod", "graph", "https://login.microsoftonline.us", "https://dod-graph.microsoft.us", "https://dod-graph.microsoft.us"],
  ["commercial", "siem", "https://login.microsoftonline.com", "https://wdatp-alertexporter-us.windows.com", "https://graph.windows.net"],
  ["gcc", "siem", "https://login.microsoftonline.com", "https://wdatp-alertexporter-us.gcc.securitycenter.windows.us", "https://graph.windows.net"],
  ["gcc_high", "siem", "https://login.microsoftonline.us", "https://wdatp-alertexporter-us.securitycenter.windows.us", "https://graph.windows.net"],
  ["dod", "siem", "https://login.microsoftonline.us", "https://wdatp-alertexporter-us.securitycenter.windows.us", "https://graph.windows.net"],
] as const;

describe("cloud endpoints", () => {
  for (const [cloud, api, login, base, resource] of TABLE) {
    it(`${cloud} ${api}: ${login}, ${base}, audience ${resource}`, () => {
      assert.deepEqual(endpointsFor(cloud, api), {
        loginUrl: login, apiUrl: base, resource, scope: `${resource}/.default`,
        protocol: api === "siem" ? "v1" : "v2",
      });
    });
  }

  it("covers every API, and keeps the first release's MDE shape", () => {
    assert.deepEqual([...APIS].map(tokenProtocolFor), ["v2", "v2", "v1"]);
    assert.equal(CLOUD_ENDPOINTS.gcc.loginUrl, "https://login.microsoftonline.com");
    assert.equal(CLOUD_ENDPOINTS.dod.mdeResource, "https://api-gov.securitycenter.microsoft.us");
    assert.equal(defaultScope("https://graph.microsoft.com/"), "https://graph.microsoft.com/.default");
  });

  it("cuts a pasted login URL back to its host", () => {
    const cases: [string, string][] = [
      ["https://login.microsoftonline.com/", "https://login.microsoftonline.com/"],
      ["https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token", "https://login.microsoftonline.com/"],
      ["https://login.microsoftonline.us/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/token", "https://login.microsoftonline.us/"],
      ["https://login.microsoftonline.com/organizations/v2.0/adminconsent?x=1", "https://login.microsoftonline.com/"],
      ["https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration", "https://login.microsoftonline.com/"],
      ["https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47", "https://login.microsoftonline.com/"],
      ["https://proxy.example/entra/", "https://proxy.example/entra"],
    ];
    for (const [raw, expected] of cases) assert.equal(String(normaliseLoginUrl(raw)), expected, raw);
    assert.equal(normaliseLoginUrl("http://login.microsoftonline.com"), "'http://login.microsoftonline.com' must start with https://");
  });
});
