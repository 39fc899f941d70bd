import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { PassThrough, Writable } from "node:stream";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import { XMLParser } from "fast-xml-parser";

import { createEventWriter, escapeJsonForXml, escapeXml, renderScheme, renderValidationError } from "../../src/protocol/index.ts";
import { LARGE_DATA_CHARS } from "../../src/protocol/event-writer.ts";
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

  it("writes a large event's data as a write of its own, in order, escaped like any other", async () => {
    // Each write kept as it was made (strings stay strings).
    const writes: string[] = [];
    const out = new Writable({
      decodeStrings: false,
      write(chunk: string, _encoding, done) {
        writes.push(chunk);
        done();
      },
    });
    const writer = createEventWriter(out);
    const big = JSON.stringify({ id: "big", evidence: "x<y & z\u0001".repeat(LARGE_DATA_CHARS / 4) });
    const nearlyFull = JSON.stringify({ id: "p", pad: "p".repeat(63 * 1024) });
    const datas = ['{"id":"a"}', big, '{"id":"b"}', nearlyFull, big, '{"id":"c"}'];
    for (const data of datas) writer.write({ stanza: "defender_alerts://t", source: "s", data });
    await writer.close();
    const event = (data: string): string =>
      `<event stanza="defender_alerts://t" unbroken="1"><source>s</source><data>${escapeJsonForXml(data)}</data><done/></event>\n`;
    assert.equal(writes.join(""), `<stream>\n${datas.map(event).join("")}</stream>\n`);
    // The large data went out whole, twice, never joined with anything.
    assert.equal(writes.filter((w) => w === escapeJsonForXml(big)).length, 2);
    assert.ok(writes.every((w) => w === escapeJsonForXml(big) || w.length < 2 * LARGE_DATA_CHARS + 64 * 1024));
    assert.equal(writer.eventsWritten, 6);
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
    // eslint-disable-next-line no-control-regex -- the characters XML forbids
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

  // Raw in the JSON text (as a malformed page could carry them), each on its own.
  for (const [name, ch] of [
    ["a C0 control", "\u0001"], ["U+FFFE", "\uFFFE"], ["U+FFFF", "\uFFFF"], ["a lone high surrogate", "\uD800"],
    ["a lone low surrogate", "\uDC00"], ["&", "&"], ["<", "<"], [">", ">"],
  ] as const) {
    it(`writes data holding only ${name} as XML that decodes to the same JSON value`, async () => {
      const { out, text } = capture();
      const writer = createEventWriter(out);
      writer.write({ stanza: "defender_alerts://x", data: `{"v":"a${ch}b"}` });
      await writer.close();
      const xml = text();
    // eslint-disable-next-line no-control-regex -- the characters XML forbids
    assert.doesNotMatch(xml, /[\u0001\uFFFE\uFFFF]|[\uD800-\uDFFF]/);
      const parsed = new XMLParser({ processEntities: true, parseTagValue: false }).parse(xml) as {
        stream: { event: { data: string } };
      };
      assert.deepEqual(JSON.parse(parsed.stream.event.data), { v: `a${ch}b` });
    });
  }

  it("escapes each repeated field the same way every time", async () => {
    const { out, text } = capture();
    const writer = createEventWriter(out);
    for (const data of ["{}", "[]"]) writer.write({ stanza: "defender_alerts://a&b", source: "s<1>", index: "i", data });
    await writer.close();
    assert.equal(text().split('<event stanza="defender_alerts://a&amp;b" unbroken="1"><source>s&lt;1&gt;</source>').length, 3);
  });

  // Events of 16 KB go out in joined chunks, events of 200 KB as writes of their own.
  for (const [count, kib] of [[1000, 16], [100, 200]] as const) {
    it(`waits for room in a full pipe instead of holding the events (${kib} KB events)`, async () => {
      // 16 or 20 MB of events while the reader pauses: without blocking writes the child would
      // hold them all in its stdout buffer.
      const fixture = fileURLToPath(new URL("fixtures/write-events.ts", import.meta.url));
      const args = ["--import", "tsx", fixture, String(count), String(kib)];
      const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = 0;
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.pause();
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.length));
      setTimeout(() => child.stdout.resume(), 500);
      const code = await new Promise((resolve) => child.on("close", resolve));
      assert.equal(code, 0, stderr);
      const { held } = JSON.parse(stderr.trim().split("\n").at(-1) ?? "{}") as { held: number };
      assert.ok(stdout > count * kib * 1000, `read ${stdout} bytes`);
      assert.ok(held < 1024 * 1024, `the child held ${held} bytes of events in memory`);
    });
  }
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
