/** One indexed event, with the input's defaults filled in where the event left them out. */
export interface IndexedEvent {
  index: string;
  sourcetype: string;
  source: string;
  host: string;
  /** Epoch seconds, with the event's fraction kept. */
  time: number;
  raw: string;
  stanza: string;
}

/** The events splunkd would have indexed, in arrival order. */
export interface EventIndex {
  readonly events: readonly IndexedEvent[];
  add(event: IndexedEvent): void;
  search(predicate: (event: IndexedEvent) => boolean): IndexedEvent[];
  clear(): void;
}

export function createEventIndex(): EventIndex {
  const events: IndexedEvent[] = [];
  return {
    events,
    add(event) {
      events.push(event);
    },
    search(predicate) {
      return events.filter(predicate);
    },
    clear() {
      events.length = 0;
    },
  };
}
