// The input's own pipeline in one process, for scripts/bench.ts: the same page bytes the input
// received go through the input's own modules (UTF-8 decoding, the page scanner, reading each
// alert's id and update time, the collector's repeat check and cursor, the XML event writer)
// into a stream that encodes and drops them. No network, no pipe, no start-up, and none of the
// heap keeper's full collections (this process holds every page, which makes each collection
// cost more than in the input, where they are about 5 % of a backlog's CPU): what is left of the
// input's CPU when the transport is taken away, measured rather than inferred by subtraction.
// test/bench/pipeline.ts bundles this file and runs it with the executable's Node and flags:
//
//   node <bundle> <folder of page files> <rounds>
//
// Prints one JSON line like test/bench/ceiling.mjs: { bytes, alerts, rounds: [{ wallMs, cpuMs }] }.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";

import { startCursor } from "../../src/checkpoint/index.ts";
import type { InputConfig } from "../../src/config/index.ts";
import { createLogger } from "../../src/log/index.ts";
import { createCollector } from "../../src/pipeline/collector.ts";
import { createEventWriter } from "../../src/protocol/event-writer.ts";
import type { Stanza } from "../../src/protocol/index.ts";
import { createPageScanner } from "../../src/sources/page-scanner.ts";
import { readRecord } from "../../src/sources/records.ts";

// TLS hands a reader at most 16 KiB records; the input decodes and scans what arrives.
const CHUNK = 16 * 1024;
const LAG_TICKS = 300n * 10_000_000n;

const [dir = ".", roundsText = "3"] = process.argv.slice(2);
const pages = readdirSync(dir)
  .sort()
  .map((name) => readFileSync(join(dir, name)));
const bytes = pages.reduce((sum, page) => sum + page.length, 0);

const quiet = createLogger({ write: () => {} });
// The collector reads only these fields of each.
const config = {
  tenantId: "bench",
  sourcetype: "ms:defender:atp:alerts",
  index: "main",
} as InputConfig;
const stanza = { name: "defender_alerts://bench" } as Stanza;

function runOnce(): number {
  // Node encodes each chunk written as it would for a pipe; the bytes are dropped.
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const writer = createEventWriter(sink);
  const collector = createCollector({
    stanza,
    config,
    initial: startCursor(0n, LAG_TICKS),
    writer,
    logger: quiet,
  });
  let alerts = 0;
  for (const page of pages) {
    const decoder = new TextDecoder("utf-8");
    const scanner = createPageScanner("odata", (raw) => {
      collector.onAlert(readRecord(raw, "id", "lastUpdateTime"));
      alerts += 1;
    });
    for (let at = 0; at < page.length; at += CHUNK) {
      scanner.write(decoder.decode(page.subarray(at, at + CHUNK), { stream: true }));
    }
    scanner.write(decoder.decode());
    scanner.end();
    // The input checkpoints after each page.
    collector.cursorToSave();
  }
  void writer.close();
  return alerts;
}

let alerts = 0;
const rounds: { wallMs: number; cpuMs: number }[] = [];
for (let round = 0; round < Number(roundsText); round += 1) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  alerts = runOnce();
  const used = process.cpuUsage(cpu);
  rounds.push({ wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 });
}
console.log(JSON.stringify({ bytes, alerts, rounds }));
