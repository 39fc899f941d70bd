// One run of the input started exactly as the runner starts it (exec, splunkd's stdin document,
// stdout a pipe), but with its stdout only counted, not parsed. The runner's XML parser is
// JavaScript in the benchmark's own process and reads slower than the input writes; splunkd's
// is not. The counter checks the stream's shape cheaply: one `</event>` per event, `</stream>`
// at the end.

import { tmpdir } from "node:os";

import { buildInputDocument, effectiveParams } from "../peers/splunkd/input-documents.ts";
import { startProcess } from "../peers/splunkd/process-io.ts";
import { SYSTEM_USER } from "../peers/splunkd/index.ts";
import type { World } from "../support/world.ts";
import { childrenCpuSeconds, watchChildrenRss } from "./proc.ts";

const SCHEME = "defender_alerts";
const END_EVENT = Buffer.from("</event>");
const END_STREAM = "</stream>\n";

export interface RawRun {
  wallMs: number;
  cpuSeconds: number;
  peakMiB: number;
  events: number;
  stdoutBytes: number;
}

export async function rawRun(
  world: World,
  executable: string,
  checkpointDir: string,
  name: string,
  params: Record<string, string>,
): Promise<RawRun> {
  const stdin = buildInputDocument(
    {
      serverHost: world.splunkd.serverName,
      serverUri: world.splunkd.url,
      sessionKey: world.splunkd.sessionKeyFor(SYSTEM_USER),
      checkpointDir,
    },
    { name: `${SCHEME}://${name}`, app: world.splunkd.appName, params: effectiveParams(world.splunkd.appDir, SCHEME, params) },
  );
  const rss = watchChildrenRss();
  const cpuBefore = childrenCpuSeconds();
  const started = performance.now();
  const { child, exited } = startProcess({
    executable,
    args: [],
    stdin,
    cwd: tmpdir(),
    env: { ...process.env, NODE_EXTRA_CA_CERTS: world.tls.caPath },
  });
  let events = 0;
  let stdoutBytes = 0;
  // The last bytes seen are searched again with the next chunk, for a marker split across the
  // two; a marker wholly inside them was counted already.
  let tail = Buffer.alloc(0);
  child.stdout.on("data", (chunk: Buffer) => {
    stdoutBytes += chunk.length;
    const text = Buffer.concat([tail, chunk]);
    const from = Math.max(0, tail.length - END_EVENT.length + 1);
    for (let at = text.indexOf(END_EVENT, from); at >= 0; at = text.indexOf(END_EVENT, at + END_EVENT.length)) events += 1;
    tail = Buffer.from(text.subarray(Math.max(0, text.length - END_STREAM.length)));
  });
  const stderr: string[] = [];
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk.toString("utf8")));
  const status = await exited;
  const wallMs = performance.now() - started;
  const cpuSeconds = childrenCpuSeconds() - cpuBefore;
  const peakMiB = rss.stop();
  if (status.exitCode !== 0 || tail.toString("utf8") !== END_STREAM) {
    throw new Error(`raw run ${name} failed (exit ${String(status.exitCode)}): ${stderr.join("").slice(-500)}`);
  }
  return { wallMs, cpuSeconds, peakMiB, events, stdoutBytes };
}
