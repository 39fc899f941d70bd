import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";

import { XMLParser } from "fast-xml-parser";

import { createEventWriter, escapeJsonForXml, escapeXml, renderScheme, renderValidationError } from "../../src/protocol/index.ts";
import { DEFENDER_ALERTS_SCHEME } from "../../src/pipeline/index.ts";

function capture(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  return { out, text: () => Buffer.concat(chunks).toString("utf8") };
}

describe("event stream", () => {
  it("writes the stream byte for byte", async () => {
    const { out, text } = capture();
    const writer = createEventWriter(out);
    writer.write({
      stanza: "defender_alerts://contoso",
      time: "1611693237.722",
      source: "defender_alerts:t",
      sourcetype: "ms:defender:atp:alerts",
      index: "mssp",
      data: '{"title":"a <b> & \\"c\\""}',
    });
    await writer.close();
    assert.equal(
      text(),
      "<stream>\n" +
        '<event stanza="defender_alerts://contoso" unbroken="1"><time>1611693237.722</time>' +
        "<source>defender_alerts:t</source><sourcetype>ms:defender:atp:alerts</sourcetype>" +
        '<index>mssp</index><data>{"title":"a &lt;b&gt; &amp; \\"c\\""}</data><done/></event>\n' +
        "</stream>\n",
    );
    assert.equal(writer.eventsWritten, 1);
  });

  it("writes nothing when there was no event", async () => {
    const { out, text } = capture();
    const writer = createEventWriter(out);
    await writer.close();
    assert.equal(text(), "");
  });

  it("keeps the JSON value of data whatever characters it holds", async () => {
    const nasty = {
      control: "a\u0000b\u0008c\u001fd",
      noncharacters: "x\uFFFEy\uFFFFz",
      lone: "p\uD800q\uDC00r",
      pair: "emoji \uD83D\uDE00",
      markup: "</data></event><event>",
      unicode: "é中\u2028",
    };
    const { out, text } = capture();
    const writer = createEventWriter(out);
    writer.write({ stanza: "defender_alerts://x", data: JSON.stringify(nasty) });
    await writer.close();
    const xml = text();
    assert.doesNotMatch(xml, /[\u0000-\u0008\uFFFE\uFFFF]/);
    const parsed = new XMLParser({ processEntities: true, parseTagValue: false }).parse(xml) as {
      stream: { event: { data: string } };
    };
    assert.deepEqual(JSON.parse(parsed.stream.event.data), nasty);
  });

  const escapes: [string, string, string][] = [
    ["plain", "abc", "abc"],
    ["markup", `<a href="x">&</a>`, "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"],
    ["control", "a\u0001b", "a\uFFFDb"],
    ["tab and newline kept", "a\tb\nc\rd", "a\tb\nc\rd"],
  ];
  for (const [name, input, expected] of escapes) {
    it(`escapes ${name}`, () => assert.equal(escapeXml(input), expected));
  }

  it("escapes forbidden characters in JSON as \\u escapes", () => {
    assert.equal(escapeJsonForXml('"\uFFFE<"'), '"\\ufffe&lt;"');
  });
});

describe("scheme", () => {
  it("declares XML streaming, external validation and every parameter", () => {
    const xml = renderScheme(DEFENDER_ALERTS_SCHEME);
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(xml) as {
      scheme: {
        streaming_mode: string;
        use_external_validation: boolean;
        use_single_instance: boolean;
        endpoint: { args: { arg: { "@_name": string }[] } };
      };
    };
    assert.equal(parsed.scheme.streaming_mode, "xml");
    assert.equal(parsed.scheme.use_external_validation, true);
    assert.equal(parsed.scheme.use_single_instance, false);
    assert.deepEqual(
      parsed.scheme.endpoint.args.arg.map((a) => a["@_name"]),
      [
        "tenant_id", "account", "cloud", "api", "auth_mode", "login_url", "api_url", "api_resource",
        "start_date", "page_size", "evidence", "severity", "status", "filter", "service_sources",
        "lag_seconds",
      ],
    );
  });

  it("renders a validation error like Splunk's SDK", () => {
    assert.equal(renderValidationError("a < b"), "<error><message>a &lt; b</message></error>\n");
  });
});
