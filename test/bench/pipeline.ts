// Runs programs over the page bytes a backlog run received, by the executable's own Node: the
// parse-and-serialise ceiling (ceiling.mjs) and the input's own pipeline in one process
// (pipeline-entry.ts, bundled here the way the input is, and started with the executable's flags).

import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { build } from "esbuild";

import { makeTempDir } from "../support/temp.ts";
import { REPO } from "../support/world.ts";
import type { BenchExecutable } from "./executable.ts";
import { median } from "./measure.ts";

export interface PagesRun {
  bytes: number;
  alerts: number;
  wallSeconds: number;
  cpuSeconds: number;
}

/** Writes the pages to a folder of their own, in order, for the programs below. */
export function writePages(pages: Buffer[]): string {
  const dir = makeTempDir("ta-dm-bench-pages-");
  pages.forEach((page, i) => writeFileSync(join(dir, `page-${String(i).padStart(4, "0")}.json`), page));
  return dir;
}

/** The same page bytes decoded, parsed and each alert serialised again. */
export function ceilingRun(exe: BenchExecutable, pagesDir: string, rounds: number): PagesRun {
  return runOverPages(exe.node, [join(REPO, "test", "bench", "ceiling.mjs")], pagesDir, rounds);
}

/** The same page bytes through the input's own modules, without network, pipe or start-up. */
export async function pipelineRun(exe: BenchExecutable, pagesDir: string, rounds: number): Promise<PagesRun> {
  const outfile = join(makeTempDir("ta-dm-bench-pipeline-"), "pipeline.mjs");
  await build({
    entryPoints: [join(REPO, "test", "bench", "pipeline-entry.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: `node${exe.nodeVersion}`,
    logLevel: "error",
  });
  // The packaged executable starts with the SEA's execArgv; the fallback with none.
  const { SEA_EXEC_ARGV } = (await import(join(REPO, "scripts", "package-runtime.mjs"))) as { SEA_EXEC_ARGV: string[] };
  return runOverPages(exe.node, [...(exe.packaged ? SEA_EXEC_ARGV : []), outfile], pagesDir, rounds);
}

function runOverPages(node: string, args: string[], pagesDir: string, rounds: number): PagesRun {
  const out = execFileSync(node, [...args, pagesDir, String(rounds)], { encoding: "utf8", maxBuffer: 1 << 20 });
  const result = JSON.parse(out) as { bytes: number; alerts: number; rounds: { wallMs: number; cpuMs: number }[] };
  return {
    bytes: result.bytes,
    alerts: result.alerts,
    wallSeconds: median(result.rounds.map((r) => r.wallMs)) / 1000,
    cpuSeconds: median(result.rounds.map((r) => r.cpuMs)) / 1000,
  };
}
