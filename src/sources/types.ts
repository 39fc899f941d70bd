import type { Instant } from "../checkpoint/index.ts";

/** One alert version as it came from the API: its exact JSON text, and what the cursor needs. */
export interface AlertRecord {
  raw: string;
  /** Undefined when the text has no usable id (the alert is still written). */
  id: string | undefined;
  /** The version's update time; undefined when missing or unparsable. */
  updated: Instant | undefined;
}

/** How a source hands its alerts to the run, and how the run steers it. */
export interface CollectHooks {
  /** Called for each alert as it streams in; may be called again for the same alert when a page
   * is retried, so the receiver de-duplicates. */
  onAlert(record: AlertRecord): void;
  /** Called for an alert too large to write: it is reported by id, never written in part. */
  onOversize(id: string | undefined, chars: number): void;
  /**
   * Called after each complete page, before the next request. `completeBefore`, when given,
   * says that every alert version updated before that instant has now been handed over (a
   * window source reached the end of a window), whatever the order it came in.
   */
  onPageEnd(completeBefore?: Instant): Promise<void>;
  /**
   * Called before a request that asks only for versions updated at or after `instant`, when no
   * later request of this run asks for anything older: the receiver may forget the versions
   * before it that it keeps to recognise repeats (so a backlog does not fill memory).
   */
  forgetBefore?(instant: Instant): void;
  /** True once splunkd asked the input to stop. */
  stopping: () => boolean;
  /** Aborts the request in flight when splunkd asks the input to stop. */
  signal: AbortSignal;
}

export interface CollectResult {
  pages: number;
  calls: number;
  bytes: number;
  /** Why the source stopped before the end of the data, if it did. */
  stoppedBy: "signal" | "budget" | undefined;
}

/** An alert API. */
export interface AlertsSource {
  /** Streams every alert version updated at or after `from` through `hooks`. */
  collect(from: Instant, hooks: CollectHooks): Promise<CollectResult>;
}
