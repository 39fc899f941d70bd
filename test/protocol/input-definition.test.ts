import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";

import {
  decodeDocument,
  parseInputDocument,
  parseValidationDocument,
} from "../../src/protocol/index.ts";

const corpus = (path: string): Buffer => readFileSync(new URL(`../../../shared/corpus/splunk/${path}`, import.meta.url));

describe("input document", () => {
  it("parses the UTF-16 BE fixture with a BOM, app attributes and param_list", () => {
    const doc = parseInputDocument(decodeDocument(corpus("splunk-sdk-python/conf_with_2_inputs.xml")));
    assert.equal(doc.serverUri, "https://127.0.0.1:8089");
    assert.equal(doc.checkpointDir, "/some/dir");
    assert.equal(doc.stanzas.length, 2);
    assert.deepEqual(doc.stanzas[1], {
      name: "foobar://bbb",
      inputName: "bbb",
      app: "my_app",
      params: {
        param1: "value11",
        param2: "value22",
        disabled: "0",
        index: "default",
        multiValue: ["value1", "value2"],
        multiValue2: ["value3", "value4"],
      },
    });
  });

  it("parses CRLF bytes whose declaration claims utf-16", () => {
    const doc = parseInputDocument(decodeDocument(corpus("splunk-sdk-javascript/conf_with_5_inputs.xml")));
    assert.deepEqual(doc.stanzas.map((s) => s.inputName), ["aaa", "bbb", "ccc", "ddd", "eee"]);
  });

  it("parses a configuration with zero stanzas", () => {
    const doc = parseInputDocument(decodeDocument(corpus("splunk-sdk-javascript/conf_with_0_inputs.xml")));
    assert.equal(doc.stanzas.length, 0);
  });

  it("parses the document captured from a real splunkd", () => {
    const doc = parseInputDocument(
      decodeDocument(corpus("splunk-connect-for-otlp/input_stanza_from_splunk.xml")),
    );
    assert.equal(doc.serverHost, "773c28971b2a");
    assert.equal(doc.stanzas[0]?.params["host"], "$decideOnStartup");
    assert.equal(doc.sessionKey.reveal().startsWith("OwLHq7"), true);
    assert.equal(String(doc.sessionKey), "[redacted]");
  });

  it("parses the validation document", () => {
    const doc = parseValidationDocument(decodeDocument(corpus("splunk-sdk-python/validation.xml")));
    assert.equal(doc.stanzas[0]?.name, "aaa");
    assert.deepEqual(doc.stanzas[0]?.params["multiValue"], ["value1", "value2"]);
  });

  it("accepts a UTF-8 BOM and entities", () => {
    const text = decodeDocument(
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from(
          "<input><server_uri>https://127.0.0.1:8089</server_uri><session_key>k</session_key>" +
            '<configuration><stanza name="defender_alerts://a&amp;b"><param name="x">1 &lt; 2</param>' +
            "</stanza></configuration></input>",
        ),
      ]),
    );
    const doc = parseInputDocument(text);
    assert.equal(doc.stanzas[0]?.inputName, "a&b");
    assert.equal(doc.stanzas[0]?.params["x"], "1 < 2");
  });

  const bad: [string, string | Buffer, RegExp][] = [
    ["empty stdin", "", /stdin was empty/],
    ["not XML", "hello", /not well-formed XML|no <input> root/],
    ["truncated", "<input><server_uri>https://x", /not well-formed XML/],
    ["wrong root", "<items><server_uri>u</server_uri></items>", /no <input> root/],
    ["no session key", "<input><server_uri>u</server_uri><configuration/></input>", /no <session_key>/],
    ["invalid UTF-8", Buffer.from([0x3c, 0x69, 0xff, 0xfe, 0xfd]), /not valid utf-8/],
  ];
  for (const [name, input, message] of bad) {
    it(`rejects ${name} with a clear message`, () => {
      assert.throws(
        () => parseInputDocument(decodeDocument(Buffer.isBuffer(input) ? input : Buffer.from(input))),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, "INPUT_DOCUMENT_INVALID");
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }

  it("requires exactly one item when validating", () => {
    assert.throws(
      () => parseValidationDocument("<items><server_uri>u</server_uri><session_key>k</session_key></items>"),
      /exactly one <item>/,
    );
  });
});
