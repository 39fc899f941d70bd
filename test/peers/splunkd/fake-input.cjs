#!/usr/bin/env node
// A stand-in modular input for the runner tests, copied into a temp dir as an executable.
// `--scheme` obeys FAKE_SCHEME; `--validate-arguments` the tenant_id parameter; a run its
// `mode` parameter. It saves what it read on stdin to <checkpoint_dir>/<items|input>.xml.
"use strict";
const { writeFileSync } = require("node:fs");
const { get } = require("node:https");
const { join } = require("node:path");

const SCHEME = `<?xml version="1.0" encoding="UTF-8"?>
<scheme>
  <title>Defender fake</title>
  <description>Fake &amp; small</description>
  <use_external_validation>true</use_external_validation>
  <use_single_instance>false</use_single_instance>
  <streaming_mode>xml</streaming_mode>
  <endpoint>
    <args>
      <arg name="tenant_id">
        <title>Tenant</title>
        <data_type>string</data_type>
        <required_on_create>true</required_on_create>
      </arg>
      <arg name="mode"><required_on_create>false</required_on_create></arg>
    </args>
  </endpoint>
</scheme>
`;

const ENTITIES = { lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" };
const unescape = (text) => text.replace(/&(lt|gt|quot|apos|amp);/g, (_, name) => ENTITIES[name]);
const element = (doc, name) => {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(doc);
  return match ? unescape(match[1]) : undefined;
};
const param = (doc, name) => {
  const match = new RegExp(`<param name="${name}">([^<]*)</param>`).exec(doc);
  return match ? unescape(match[1]) : undefined;
};
const out = (text) => process.stdout.write(text);
const err = (text) => process.stderr.write(`${text}\n`);
const stayAlive = () => setInterval(() => undefined, 1000);

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

function scheme() {
  const mode = process.env.FAKE_SCHEME ?? "good";
  if (mode === "exit") {
    err("FATAL cannot start: missing runtime");
    process.exitCode = 3;
  } else if (mode === "malformed") {
    out("<scheme><title>x</scheme>");
  } else {
    out(SCHEME);
  }
}

function validate(doc) {
  writeFileSync(join(element(doc, "checkpoint_dir"), "items.xml"), doc);
  const tenant = param(doc, "tenant_id");
  if (tenant === "bad") {
    out('<error><message>tenant_id "bad" is not a GUID &amp; cannot be used</message></error>');
    process.exitCode = 1;
  } else if (tenant === "crash") {
    err("ERROR validation crashed");
    process.exitCode = 3;
  }
}

function run(doc) {
  writeFileSync(join(element(doc, "checkpoint_dir"), "input.xml"), doc);
  const stanza = /<stanza name="([^"]*)"/.exec(doc)[1];
  const event = (data, extra = "") =>
    `<event stanza="${stanza}" unbroken="1">${extra}<data>${data}</data><done/></event>`;
  const mode = param(doc, "mode");

  if (mode === "stream") {
    err("INFO fake started count=3");
    err("DEBUG page fetched page=1");
    err("WARNING tenant slow tenant=a");
    err("a line without a level");
    out(
      `<stream>${event(
        "first &amp; one",
        "<time>1700000000.123</time><index>security</index>" + "<sourcetype>custom:st</sourcetype>",
      )}${event("second")}`,
    );
    out(`${event("third", "<host>edge-1</host><source>api</source>")}</stream>`);
  } else if (mode === "session") {
    const url = `${element(doc, "server_uri")}/services/server/info?output_mode=json`;
    const headers = { Authorization: `Splunk ${element(doc, "session_key")}` };
    get(url, { headers }, (response) => {
      let body = "";
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () => {
        const name = JSON.parse(body).entry[0].content.serverName;
        out(`<stream>${event(`status=${response.statusCode} server=${name}`)}</stream>`);
      });
    }).on("error", (error) => err(`ERROR request failed ${error.message}`));
  } else if (mode === "hang-mid-event") {
    out(`<stream>${event("1")}${event("2")}<event stanza="${stanza}" unbroken="1"><data>cut`);
    stayAlive();
  } else if (mode === "sigterm") {
    process.once("SIGTERM", () => {
      err("INFO stopping on SIGTERM");
      out(`${event("last")}</stream>`);
      process.exit(0);
    });
    out(`<stream>${event("first")}`);
    stayAlive();
  } else if (mode === "hang") {
    stayAlive();
  } else if (mode === "malformed") {
    out(`<stream><event><data>a & b</data></event></stream>`);
  } else if (mode === "latin1") {
    out(
      Buffer.concat([
        Buffer.from("<stream><event><data>caf"),
        Buffer.from([0xe9]),
        Buffer.from("</data></event></stream>"),
      ]),
    );
  } else if (mode === "unclosed") {
    out(`<stream>${event("only")}`);
  } else if (mode === "exit-nonzero") {
    out(`<stream>${event("before failing")}</stream>`);
    err("FATAL boom");
    process.exitCode = 2;
  }
}

async function main() {
  const arg = process.argv[2];
  if (arg === "--scheme") return scheme();
  const doc = await readStdin();
  if (arg === "--validate-arguments") return validate(doc);
  return run(doc);
}

main().catch((error) => {
  err(`FATAL ${error.stack.replace(/\n/g, " ")}`);
  process.exitCode = 70;
});
