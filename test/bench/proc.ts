// What the benchmark reads about the processes it starts, from Linux's /proc: CPU time of the
// children this process has waited for (process.cpuUsage() sees only this process), and the peak
// resident memory of running children (VmHWM, polled while they run).

import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this runs on

/**
 * CPU seconds (user + system) of every child this process has started and reaped so far. The
 * runner reaps each input when it exits, so the difference across a run is that run's CPU.
 */
export function childrenCpuSeconds(): number {
  // Fields after the command name: state is field 3, cutime 16 and cstime 17 (proc(5)).
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
}

/** This process's own CPU seconds. */
export function selfCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

export interface PeakRss {
  /** Highest VmHWM seen of any child, in MiB. */
  readonly peakMiB: number;
  stop(): number;
}

/**
 * Polls the peak resident set (VmHWM) of this process's running children every `everyMs`. The
 * last poll before a child exits is the figure kept: a child's peak in its final milliseconds
 * can be missed, which is why the poll is frequent.
 */
export function watchChildrenRss(everyMs = 20): PeakRss {
  let peakKiB = 0;
  const poll = (): void => {
    for (const pid of childPids()) {
      try {
        const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
        if (match) peakKiB = Math.max(peakKiB, Number(match[1]));
      } catch {
        // Exited between the listing and the read.
      }
    }
  };
  const timer = setInterval(poll, everyMs);
  return {
    get peakMiB() {
      return peakKiB / 1024;
    },
    stop() {
      clearInterval(timer);
      return peakKiB / 1024;
    },
  };
}

function childPids(): string[] {
  const pids: string[] = [];
  for (const task of readdirSync("/proc/self/task")) {
    try {
      pids.push(...readFileSync(`/proc/self/task/${task}/children`, "utf8").split(" ").filter((p) => p !== ""));
    } catch {
      // A thread that ended.
    }
  }
  return pids;
}

export interface BareRun {
  wallMs: number;
  cpuSeconds: number;
  exitCode: number | null;
}

/** Starts `executable args` with an empty stdin, waits for it, and measures it. */
export async function timeProcess(executable: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<BareRun> {
  const cpuBefore = childrenCpuSeconds();
  const started = performance.now();
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(executable, args, { stdio: ["pipe", "ignore", "inherit"], env });
    child.once("error", reject);
    child.once("close", (code) => resolve(code));
    child.stdin.end();
  });
  return { wallMs: performance.now() - started, cpuSeconds: childrenCpuSeconds() - cpuBefore, exitCode };
}
