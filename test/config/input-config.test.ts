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
    ["unsupported api", { ...base, api: "siem" }, /api 'siem' is not supported/],
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
