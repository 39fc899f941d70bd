import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { formatInstant } from "../../src/checkpoint/index.ts";
import { joinUrl, normaliseBaseUrl, parseInputConfig } from "../../src/config/index.ts";

const NOW = Date.parse("2026-06-01T12:00:00Z");
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const base = { tenant_id: TENANT, account: "mssp-app" };

describe("input configuration", () => {
  it("applies the documented defaults", () => {
    const config = parseInputConfig("contoso", base, NOW);
    assert.equal(config.cloud, "commercial");
    assert.equal(config.api, "mde");
    assert.equal(config.pageSize, 1000);
    assert.equal(config.apiUrl.href, "https://api.securitycenter.microsoft.com/");
    assert.equal(config.loginUrl.href, "https://login.microsoftonline.com/");
    assert.equal(config.apiResource, "https://api.securitycenter.microsoft.com");
    assert.equal(config.sourcetype, "ms:defender:atp:alerts");
    assert.equal(formatInstant(config.startFrom), "2026-05-25T12:00:00.0000000Z");
  });

  const clouds: [string, string, string, string][] = [
    ["gcc", "https://login.microsoftonline.com/", "https://api-gcc.securitycenter.microsoft.us/", "https://api-gcc.securitycenter.microsoft.us"],
    ["gcc_high", "https://login.microsoftonline.us/", "https://api-gov.securitycenter.microsoft.us/", "https://api-gov.securitycenter.microsoft.us"],
    ["dod", "https://login.microsoftonline.us/", "https://api-gov.securitycenter.microsoft.us/", "https://api-gov.securitycenter.microsoft.us"],
  ];
  for (const [cloud, login, api, resource] of clouds) {
    it(`wires the ${cloud} cloud from one table`, () => {
      const config = parseInputConfig("x", { ...base, cloud }, NOW);
      assert.deepEqual([config.loginUrl.href, config.apiUrl.href, config.apiResource], [login, api, resource]);
    });
  }

  it("takes explicit URLs for the custom cloud, normalised", () => {
    const config = parseInputConfig("x", {
      ...base,
      cloud: "custom",
      login_url: "https://127.0.0.1:8443/",
      api_url: "https://127.0.0.1:9443/prefix/api/alerts/",
      start_date: "2026-01-01",
      page_size: "250",
    }, NOW);
    assert.equal(config.loginUrl.href, "https://127.0.0.1:8443/");
    assert.equal(joinUrl(config.apiUrl, "/api/alerts").href, "https://127.0.0.1:9443/prefix/api/alerts");
    assert.equal(formatInstant(config.startFrom), "2026-01-01T00:00:00.0000000Z");
    assert.equal(config.pageSize, 250);
  });

  const invalid: [string, Record<string, string>, RegExp][] = [
    ["missing tenant", { account: "a" }, /tenant_id is required/],
    ["malformed tenant", { ...base, tenant_id: "contoso.onmicrosoft" }, /tenant_id 'contoso.onmicrosoft' is not a tenant ID/],
    ["missing account", { tenant_id: TENANT }, /account is required/],
    ["bad account", { ...base, account: "a b" }, /account 'a b' is not a valid account name/],
    ["unknown cloud", { ...base, cloud: "china" }, /cloud 'china' is unknown: use one of commercial, gcc, gcc_high, dod, custom/],
    ["unsupported api", { ...base, api: "incidents" }, /api 'incidents' is not supported: use mde, graph or siem/],
    ["custom without URLs", { ...base, cloud: "custom" }, /login_url is required when cloud is custom.*api_url is required/],
    ["plain http", { ...base, cloud: "custom", login_url: "http://x", api_url: "https://y" }, /login_url: 'http:\/\/x' must start with https:\/\//],
    ["future start", { ...base, start_date: "2027-01-01" }, /start_date '2027-01-01' is in the future/],
    ["unparsable start", { ...base, start_date: "last week" }, /start_date 'last week' is not a date/],
    ["page size zero", { ...base, page_size: "0" }, /page_size '0' is out of range: use a whole number from 1 to 10000/],
    ["page size too big", { ...base, page_size: "10001" }, /page_size '10001' is out of range/],
    ["page size not a number", { ...base, page_size: "10k" }, /page_size '10k' is out of range/],
  ];
  for (const [name, params, message] of invalid) {
    it(`rejects ${name}`, () => {
      assert.throws(() => parseInputConfig("contoso", params, NOW), (error: Error & { code?: string }) => {
        assert.equal(error.code, "CONFIG_INVALID");
        assert.match(error.message, /^Input 'contoso': /);
        assert.match(error.message, message);
        return true;
      });
    });
  }

  it("reads the source options", () => {
    const config = parseInputConfig("x", {
      ...base,
      evidence: "false",
      severity: "high, Medium",
      status: "new",
      filter: "category eq 'Malware'",
      lag_seconds: "60",
      interval: "120",
    }, NOW);
    assert.equal(config.evidence, false);
    assert.deepEqual(config.filters, [
      "severity eq 'High' or severity eq 'Medium'",
      "status eq 'New'",
      "category eq 'Malware'",
    ]);
    assert.equal(config.lagSeconds, 60);
    assert.equal(config.intervalSeconds, 120);
    assert.equal(parseInputConfig("x", { ...base, interval: "*/5 * * * *" }, NOW).intervalSeconds, 300);
  });

  it("wires Graph and the legacy SIEM API from the cloud table, each with its sourcetype", () => {
    const graph = parseInputConfig("x", { ...base, api: "graph", cloud: "gcc_high", severity: "High" }, NOW);
    assert.deepEqual([graph.apiUrl.href, graph.apiResource, graph.loginUrl.href, graph.sourcetype], [
      "https://graph.microsoft.us/", "https://graph.microsoft.us", "https://login.microsoftonline.us/", "ms:defender:graph:alerts",
    ]);
    assert.deepEqual(graph.filters, ["severity eq 'high'"]);
    assert.deepEqual(graph.serviceSources, ["microsoftDefenderForEndpoint"]);
    const all = parseInputConfig("x", { ...base, api: "graph", service_sources: "*" }, NOW);
    assert.deepEqual(all.serviceSources, []);
    const siem = parseInputConfig("x", { ...base, api: "siem" }, NOW);
    assert.deepEqual([siem.apiUrl.href, siem.apiResource, siem.sourcetype], [
      "https://wdatp-alertexporter-us.windows.com/", "https://graph.windows.net", "ms:defender:siem:alerts",
    ]);
    const pasted = parseInputConfig("x", { ...base, api: "graph", api_url: "https://graph.microsoft.com/v1.0/security/alerts_v2" }, NOW);
    assert.equal(pasted.apiUrl.href, "https://graph.microsoft.com/");
  });

  const moreInvalid: [string, Record<string, string>, RegExp][] = [
    ["an unknown severity", { severity: "Severe" }, /severity 'Severe' has unknown values: use one or more of UnSpecified, Informational, Low, Medium, High/],
    ["a filter with query options", { filter: "x eq 1&$top=5" }, /filter must be a plain OData \$filter expression/],
    ["a filter on the cursor field", { filter: "lastUpdateTime gt 2020-01-01T00:00:00Z" }, /the input manages lastUpdateTime itself/],
    ["a bad boolean", { evidence: "maybe" }, /evidence 'maybe' is not a boolean/],
    ["a lag out of range", { lag_seconds: "7200" }, /lag_seconds '7200' is out of range: use a whole number from 0 to 3600/],
    ["filters on the SIEM API", { api: "siem", status: "New" }, /status is not supported by the legacy SIEM API/],
    ["an unknown service source", { api: "graph", service_sources: "defenderForToasters" }, /service_sources 'defenderForToasters' has unknown values/],
    ["an unknown auth mode", { auth_mode: "magic" }, /auth_mode 'magic' is unknown: use app_only or delegated/],
  ];
  for (const [name, params, message] of moreInvalid) {
    it(`rejects ${name}`, () => {
      assert.throws(() => parseInputConfig("contoso", { ...base, ...params }, NOW), message);
    });
  }

  const urls: [string, string][] = [
    ["https://api.security.microsoft.com", "https://api.security.microsoft.com/"],
    ["https://api.security.microsoft.com///", "https://api.security.microsoft.com/"],
    ["https://api.security.microsoft.com/api", "https://api.security.microsoft.com/"],
    ["https://api.security.microsoft.com/api/alerts?x=1#f", "https://api.security.microsoft.com/"],
    [" https://eu.api.security.microsoft.com/API/Alerts/ ", "https://eu.api.security.microsoft.com/"],
  ];
  for (const [raw, expected] of urls) {
    it(`normalises ${raw.trim()}`, () => {
      const url = normaliseBaseUrl(raw, ["/api/alerts", "/api"]);
      assert.ok(url instanceof URL);
      assert.equal(url.href, expected);
      assert.equal(joinUrl(url, "/api/alerts").href, `${expected}api/alerts`);
    });
  }
});
