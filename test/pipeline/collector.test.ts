import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { parseInstant, startCursor, type Instant } from "../../src/checkpoint/index.ts";
import type { InputConfig } from "../../src/config/index.ts";
import { createLogger } from "../../src/log/index.ts";
import { createCollector } from "../../src/pipeline/collector.ts";
import type { EventWriter, StreamEvent } from "../../src/protocol/index.ts";

const at = (second: number): Instant => parseInstant(`2024-05-01T00:${String(Math.floor(second / 60)).padStart(2, "0")}:${String(second % 60).padStart(2, "0")}Z`) as Instant;

function collector() {
  const events: StreamEvent[] = [];
  const writer: EventWriter = {
    write: (event) => events.push(event),
    flush: async () => {},
    close: async () => {},
    get eventsWritten() {
      return events.length;
    },
  };
  const c = createCollector({
    stanza: { name: "defender_alerts://t", inputName: "t", app: undefined, params: {} },
    config: { tenantId: "t1", sourcetype: "ms:defender:atp:alerts", index: undefined } as unknown as InputConfig,
    initial: startCursor(at(0), 0n),
    writer,
    logger: createLogger({ write: () => {} }),
  });
  const alert = (id: string, second: number) => c.onAlert({ id, updated: at(second), raw: `{"id":"${id}"}` });
  return { c, alert, events };
}

describe("collector", () => {
  it("forgets written versions behind the source's lower bound, and still skips repeats at and after it", () => {
    const { c, alert, events } = collector();
    for (let i = 1; i <= 1000; i += 1) alert(`a${i}`, i);
    assert.equal(c.remembered, 1000);
    // The next keyset request starts at the newest time read: the boundary version comes again.
    c.forgetBefore(at(1000));
    assert.equal(c.remembered, 1);
    alert("a1000", 1000);
    alert("a1001", 1001);
    assert.equal(events.length, 1001);
    assert.equal(c.stats.duplicates, 1);
  });

  it("forgets behind a complete window", () => {
    const { c, alert } = collector();
    for (let i = 1; i <= 50; i += 1) alert(`w${i}`, i);
    c.cursorAfterWindow(at(40));
    assert.equal(c.remembered, 11);
  });

  it("keeps everything when the source gives no bound (nextLink paging out of order)", () => {
    const { c, alert, events } = collector();
    alert("b", 20);
    alert("a", 10);
    alert("b", 20);
    alert("a", 10);
    assert.equal(c.remembered, 2);
    assert.equal(events.length, 2);
    assert.equal(c.ordered, false);
  });
});
