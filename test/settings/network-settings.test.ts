import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

import { AddonError } from "../../src/errors.ts";
import { Secret } from "../../src/log/secret.ts";
import { parseCaBundle, parseProxySettings, readNetworkSettings } from "../../src/settings/index.ts";
import { createPasswordStore, type PasswordStore, type SplunkdClient } from "../../src/splunkd/index.ts";
import { startServices } from "../auth/support/services.ts";
import { createTestTls } from "../support/tls.ts";

const PASSWORD = new Secret("hunter2-proxy");

const settingsError = (setting: string, message: RegExp) => (error: unknown): boolean =>
  error instanceof AddonError &&
  error.code === "SETTINGS_INVALID" &&
  error.details["setting"] === setting &&
  message.test(error.message) &&
  !error.message.includes("hunter2");

describe("the [proxy] stanza", () => {
  const valid: [string, Record<string, string>, object | undefined][] = [
    ["disabled by default", {}, undefined],
    ["disabled with 0", { proxy_enabled: "0", proxy_url: "proxy", proxy_port: "3128" }, undefined],
    ["an http proxy", { proxy_enabled: "1", proxy_url: "proxy.corp.example", proxy_port: "3128" },
      { protocol: "http:", hostname: "proxy.corp.example", port: 3128 }],
    ["an https proxy, enabled with true", { proxy_enabled: "true", proxy_type: "HTTPS", proxy_url: "10.0.0.5", proxy_port: "8443" },
      { protocol: "https:", hostname: "10.0.0.5", port: 8443 }],
    ["an empty type is http", { proxy_enabled: "1", proxy_type: "", proxy_url: "p", proxy_port: "80" },
      { protocol: "http:", hostname: "p", port: 80 }],
    ["a pasted URL gives the port", { proxy_enabled: "1", proxy_url: "http://proxy.corp.example:3128/" },
      { protocol: "http:", hostname: "proxy.corp.example", port: 3128 }],
    ["a bare IPv6 address", { proxy_enabled: "1", proxy_url: "fd00::5", proxy_port: "3128" },
      { protocol: "http:", hostname: "fd00::5", port: 3128 }],
    ["a bracketed IPv6 address", { proxy_enabled: "1", proxy_url: "[fd00::5]", proxy_port: "3128" },
      { protocol: "http:", hostname: "fd00::5", port: 3128 }],
  ];
  for (const [name, stanza, want] of valid) {
    it(name, () => {
      const proxy = parseProxySettings(stanza, undefined);
      assert.deepEqual(proxy === undefined ? undefined : { ...proxy }, want);
    });
  }

  it("a user takes the password from storage/passwords", () => {
    const proxy = parseProxySettings(
      { proxy_enabled: "1", proxy_url: "p", proxy_port: "3128", proxy_username: "svc" },
      PASSWORD,
    );
    assert.equal(proxy?.username, "svc");
    assert.equal(proxy?.password, PASSWORD);
  });

  const invalid: [string, Record<string, string>, string, RegExp][] = [
    ["no host", { proxy_enabled: "1", proxy_port: "1" }, "[proxy] proxy_url", /proxy_url is empty/],
    ["no port", { proxy_enabled: "1", proxy_url: "p" }, "[proxy] proxy_port", /proxy_port is required/],
    ["a port out of range", { proxy_enabled: "1", proxy_url: "p", proxy_port: "70000" }, "[proxy] proxy_port", /not a port number/],
    ["a port that is not a number", { proxy_enabled: "1", proxy_url: "p", proxy_port: "31x" }, "[proxy] proxy_port", /not a port number/],
    ["two different ports", { proxy_enabled: "1", proxy_url: "p:1", proxy_port: "2" }, "[proxy] proxy_port", /differs/],
    ["a socks proxy", { proxy_enabled: "1", proxy_type: "socks5", proxy_url: "p", proxy_port: "1080" }, "[proxy] proxy_type", /socks5 is not supported/],
    ["a scheme that contradicts the type", { proxy_enabled: "1", proxy_type: "http", proxy_url: "https://p:1" }, "[proxy] proxy_url", /https:\/\/ but proxy_type is http/],
    ["credentials in the URL", { proxy_enabled: "1", proxy_url: "http://svc:hunter2@p:1" }, "[proxy] proxy_url", /must not hold credentials/],
    ["a path", { proxy_enabled: "1", proxy_url: "p/x", proxy_port: "1" }, "[proxy] proxy_url", /without a path/],
    ["a bad boolean", { proxy_enabled: "maybe" }, "[proxy] proxy_enabled", /not a boolean/],
    ["a user without a stored password", { proxy_enabled: "1", proxy_url: "p", proxy_port: "1", proxy_username: "svc" },
      "[proxy] proxy_username", /no proxy password is stored .*settings\/proxy\/password/],
  ];
  for (const [name, stanza, setting, message] of invalid) {
    it(`refuses ${name}`, () => {
      assert.throws(() => parseProxySettings(stanza, undefined), settingsError(setting, message));
    });
  }
});

describe("the [tls] ca_bundle_path", () => {
  const tls = createTestTls();

  it("is empty by default", () => {
    assert.deepEqual(parseCaBundle(""), []);
  });

  it("reads a PEM file", () => {
    const certs = parseCaBundle(tls.caPath);
    assert.equal(certs.length, 1);
    assert.match(certs[0] ?? "", /^-----BEGIN CERTIFICATE-----/);
  });

  it("takes PEM text, with real or written-out line breaks, several certificates", () => {
    assert.equal(parseCaBundle(`${tls.ca}\n${tls.cert}`).length, 2);
    assert.equal(parseCaBundle(tls.ca.trim().replace(/\n/g, "\\n")).length, 1);
  });

  const bad: [string, string, RegExp][] = [
    ["a relative path", "certs/ca.pem", /not an absolute path/],
    ["a missing file", "/nonexistent/ca.pem", /cannot be read \(ENOENT\)/],
    ["a file with no certificate", join(tls.dir, "server.key"), /holds no PEM certificate/],
    ["a broken certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", /certificate 1 of the PEM text .* not a valid certificate/],
  ];
  for (const [name, value, message] of bad) {
    it(`refuses ${name}`, () => {
      assert.throws(() => parseCaBundle(value), settingsError("[tls] ca_bundle_path", message));
    });
  }

  it("ignores keys next to the certificates in a bundle file", () => {
    const file = join(tls.dir, "bundle.pem");
    writeFileSync(file, `${tls.key}\n${tls.ca}`);
    assert.equal(parseCaBundle(file).length, 1);
  });
});

describe("reading the settings through splunkd", () => {
  // splunkd's listing of a conf file: every stanza, with the `count` asked for.
  const fakeSplunkd = (stanzas: Record<string, Record<string, string>>, gets: string[] = []): SplunkdClient => {
    const client: SplunkdClient = {
      async get(path, query) {
        gets.push(`${path}?${new URLSearchParams(query).toString()}`);
        const entry = Object.entries(stanzas).map(([name, content]) => ({ name, content }));
        return { status: 200, json: { entry: [{ name: "default", content: {} }, ...entry] } };
      },
      delete: () => Promise.reject(new Error("unused")),
      postForm: () => Promise.reject(new Error("unused")),
      postJson: () => Promise.reject(new Error("unused")),
      expect: () => client,
    };
    return client;
  };
  const passwordReads: string[] = [];
  const passwords: PasswordStore = {
    async read(realm, username) {
      passwordReads.push(`${realm}:${username}`);
      return PASSWORD;
    },
    write: () => Promise.reject(new Error("unused")),
  };

  it("reads the password only when a proxy user is set, and the CA bundle", async () => {
    const tls = createTestTls();
    const gets: string[] = [];
    const settings = await readNetworkSettings(
      fakeSplunkd({
        proxy: { proxy_enabled: "1", proxy_url: "p", proxy_port: "1", proxy_username: "svc" },
        tls: { ca_bundle_path: tls.caPath },
      }, gets),
      passwords,
    );
    assert.deepEqual(gets, ["configs/conf-ta_defender_mssp_settings?count=0"], "one request for the file");
    assert.deepEqual(passwordReads, ["TA-defender-mssp:settings/proxy/password"]);
    assert.equal(settings.proxy?.password, PASSWORD);
    assert.equal(settings.extraCas.length, 1);

    const none = await readNetworkSettings(fakeSplunkd({}), passwords);
    assert.deepEqual(none, { proxy: undefined, extraCas: [] });
    assert.equal(passwordReads.length, 1);
  });

  it("reads the app's settings file through the splunkd stand-in: its defaults, then a local change", async () => {
    const services = await startServices();
    try {
      const store = createPasswordStore(services.client);
      assert.deepEqual(await readNetworkSettings(services.client, store), { proxy: undefined, extraCas: [] });
      await services.client.postForm("configs/conf-ta_defender_mssp_settings/proxy", {
        proxy_enabled: "1", proxy_url: "proxy.mssp.example", proxy_port: "3128",
      });
      await services.client.postForm("configs/conf-ta_defender_mssp_settings/tls", {
        ca_bundle_path: services.tls.caPath,
      });
      const settings = await readNetworkSettings(services.client, store);
      assert.deepEqual([settings.proxy?.protocol, settings.proxy?.hostname, settings.proxy?.port], ["http:", "proxy.mssp.example", 3128]);
      assert.equal(settings.extraCas.length, 1);
    } finally {
      await services.close();
    }
  });
});
