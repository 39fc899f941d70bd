import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import { createXmlEventStream, type StreamedEvent, type StreamEnd } from "./xml-event-stream.ts";

// shared/ sits beside the repository, on developer machines and in CI alike.
const CORPUS = fileURLToPath(new URL("../../../../shared/corpus/splunk", import.meta.url));

function feed(chunks: (string | Buffer)[]): { events: StreamedEvent[]; end: StreamEnd } {
  const events: StreamedEvent[] = [];
  const stream = createXmlEventStream((event) => events.push(event));
  for (const chunk of chunks) stream.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return { events, end: stream.end() };
}

const ev = (body: string, attrs = ' stanza="s://a" unbroken="1"') =>
  `<event${attrs}>${body}</event>`;

describe("XML event stream (splunkd's reading of stdout)", () => {
  it("reads the SDK's two-event stream, also byte by byte", () => {
    const bytes = readFileSync(`${CORPUS}/splunk-sdk-python/stream_with_two_events.xml`);
    const whole = feed([bytes]);
    const split = feed([...bytes].map((byte) => Buffer.from([byte])));
    for (const { events, end } of [whole, split]) {
      assert.equal(events.length, 2);
      assert.deepEqual(events[0], {
        stanza: "fubar",
        time: "1372275124.466",
        source: "hilda",
        sourcetype: "misc",
        index: "main",
        host: "localhost",
        data: "This is a test of the emergency broadcast system.",
      });
      assert.deepEqual(end, { opened: true, closed: true, truncatedEvents: 0, leftover: false });
    }
  });

  const valid: [name: string, input: string, data: string[]][] = [
    [
      "entities and character references",
      ev("<data>a &lt;b&gt; &amp; &quot;&#233;&#x1F600;</data><done/>"),
      ['a <b> & "é😀'],
    ],
    ["CDATA", ev("<data><![CDATA[<raw & ready>]]></data><done/>"), ["<raw & ready>"]],
    ["CRLF normalized, spaces kept", ev("<data>  one\r\ntwo  </data><done/>"), ["  one\ntwo  "]],
    [
      "unbroken fragments joined until <done/>",
      ev("<data>part 1, </data>") + ev("<data>part 2</data><done/>"),
      ["part 1, part 2"],
    ],
    [
      "events without unbroken stand alone",
      ev("<data>x</data>", "") + ev("<data>y</data>", ""),
      ["x", "y"],
    ],
    ["comments", ev("<!-- c --><data>z</data><done/>"), ["z"]],
  ];
  for (const [name, body, data] of valid) {
    it(`accepts ${name}`, () => {
      const input = `<?xml version="1.0" encoding="UTF-8"?>\n<stream>${body}</stream>`;
      const { events, end } = feed([input]);
      assert.deepEqual(
        events.map((event) => event.data),
        data,
      );
      assert.equal(end.closed, true);
    });
  }

  const invalid: [name: string, input: string | Buffer, error: RegExp][] = [
    [
      "non-UTF-8 bytes",
      Buffer.concat([
        Buffer.from("<stream><event><data>caf"),
        Buffer.from([0xe9]),
        Buffer.from("</data></event></stream>"),
      ]),
      /not valid UTF-8/,
    ],
    ["a bare ampersand", `<stream>${ev("<data>a & b</data><done/>")}</stream>`, /bare '&'/],
    ["an unknown entity", `<stream>${ev("<data>&nbsp;</data><done/>")}</stream>`, /unknown entity/],
    ["a control character", `<stream>${ev("<data>bell\u0007</data><done/>")}</stream>`, /U\+0007/],
    [
      "a forbidden character reference",
      `<stream>${ev("<data>&#0;</data><done/>")}</stream>`,
      /not allowed/,
    ],
    ["another root", `<events>${ev("<data>x</data>")}</events>`, /root must be <stream>/],
    ["text between events", `<stream>oops${ev("<data>x</data>")}</stream>`, /outside an event/],
    ["an unknown field", `<stream>${ev("<data>x</data><extra/>")}</stream>`, /unexpected <extra>/],
    ["a twice-given field", `<stream>${ev("<data>x</data><data>y</data>")}</stream>`, /twice/],
    ["mismatched tags", `<stream>${ev("<data>x</host>")}</stream>`, /does not close/],
    ["an event without data", `<stream>${ev("<time>1</time><done/>")}</stream>`, /needs <data>/],
    ["a second stream", `<stream></stream><stream></stream>`, /after <\/stream>/],
    ["a DOCTYPE", `<!DOCTYPE stream><stream></stream>`, /DOCTYPE/],
    ["a UTF-16 declaration", `<?xml version="1.0" encoding="utf-16"?><stream/>`, /must be UTF-8/],
  ];
  for (const [name, input, error] of invalid) {
    it(`rejects ${name}`, () => {
      assert.throws(() => feed([typeof input === "string" ? Buffer.from(input) : input]), error);
    });
  }

  it("counts events cut off by the end of output as truncated, never emits them", () => {
    const cases: [chunks: string[], events: number, truncated: number][] = [
      [[`<stream>${ev("<data>1</data><done/>")}<event stanza="s://a"><data>half`], 1, 1],
      [[`<stream>${ev("<data>1</data><done/>")}<eve`], 1, 1],
      [[`<stream>${ev("<data>frag</data>")}`], 0, 1],
      [[`<stream>${ev("<data>1</data><done/>")}`], 1, 0],
    ];
    for (const [chunks, count, truncated] of cases) {
      const { events, end } = feed(chunks);
      assert.equal(events.length, count, chunks[0]);
      assert.equal(end.truncatedEvents, truncated, chunks[0]);
      assert.equal(end.closed, false);
    }
  });
});
