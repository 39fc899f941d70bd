// One measured run of the input through splunkd's runner, and the small statistics the
// benchmark prints.

import type { InputRunner } from "../peers/splunkd/index.ts";
import { childrenCpuSeconds, watchChildrenRss } from "./proc.ts";

export interface MeasuredRun {
  exitCode: number | null;
  wallMs: number;
  /** CPU seconds of the input process (user + system). */
  cpuSeconds: number;
  /** Peak resident set of the input process, MiB (0 when not watched). */
  peakMiB: number;
  events: number;
  /** Bytes (UTF-8) of the indexed events' alert JSON. */
  bytes: number;
  stderr: string[];
}

/**
 * Runs `[defender_alerts://name]` once. The runner's index is emptied as events arrive (their
 * bytes counted first), so a large backlog does not pile up in this process.
 */
export async function measuredRun(
  runner: InputRunner,
  name: string,
  params: Record<string, string>,
  opts: { watchRss?: boolean; timeoutMs?: number } = {},
): Promise<MeasuredRun> {
  let bytes = 0;
  const take = (): void => {
    for (const event of runner.index.events) bytes += Buffer.byteLength(event.raw);
    runner.index.clear();
  };
  take();
  bytes = 0;
  const rss = opts.watchRss === true ? watchChildrenRss() : undefined;
  const cpuBefore = childrenCpuSeconds();
  const result = await runner.run(name, params, {
    timeoutMs: opts.timeoutMs ?? 900_000,
    killWhen: ({ events }) => {
      if (events % 1000 === 0) take();
      return undefined;
    },
  });
  const cpuSeconds = childrenCpuSeconds() - cpuBefore;
  const peakMiB = rss?.stop() ?? 0;
  take();
  if (result.exitCode !== 0 || result.error !== undefined) {
    const tail = result.stderr.filter((line) => !line.startsWith("DEBUG")).slice(-5).join("\n  ");
    throw new Error(`run ${name} failed (exit ${String(result.exitCode)}${result.error ? `, ${result.error}` : ""}):\n  ${tail}`);
  }
  return { exitCode: result.exitCode, wallMs: result.durationMs, cpuSeconds, peakMiB, events: result.events, bytes, stderr: result.stderr };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** A field of the input's `events ingested` line. */
export function ingestedField(stderr: readonly string[], field: string): string | undefined {
  const line = stderr.find((l) => l.startsWith("INFO events ingested"));
  return line === undefined ? undefined : new RegExp(`\\b${field}=(\\S+)`).exec(line)?.[1];
}

/** Formats a number with `digits` decimals and thousands separators. */
export function fmt(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return "n/a";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export const MB = 1_000_000;

/** The issue's memory limit, 150 MB (10^6 bytes), in MiB: peak RSS is read in KiB. */
export const RSS_LIMIT_MIB = 150_000_000 / 1_048_576;
export const RSS_TARGET = "< 150 MB (143.1 MiB)";

/** A peak RSS in MiB, with the same in MB (10^6 bytes). */
export function rss(mib: number): string {
  return `${fmt(mib, 1)} MiB (${fmt((mib * 1_048_576) / 1_000_000, 0)} MB)`;
}
