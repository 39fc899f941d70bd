// Runs test/bench/transport.mjs over the pages a backlog run asked for (see there), measuring it
// like the input: wall time, CPU from /proc, stdout counted.

import { spawn } from "node:child_process";
import { join } from "node:path";

import { MSSP_CLIENT_ID, REPO, type World } from "../support/world.ts";
import { childrenCpuSeconds } from "./proc.ts";

export interface TransportRun {
  wallMs: number;
  cpuSeconds: number;
  stdoutBytes: number;
}

/** An app-only token for the tenant from the Entra ID stand-in, as the input gets one. */
export async function tokenFor(world: World, tenantId: string, secret: string): Promise<string> {
  const { Agent, request } = await import("undici");
  const agent = new Agent({ connect: { ca: world.tls.ca } });
  try {
    const res = await request(`${world.entra.url}/${tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      dispatcher: agent,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: MSSP_CLIENT_ID,
        client_secret: secret,
        scope: "https://api.securitycenter.microsoft.com/.default",
      }).toString(),
    });
    const answer = (await res.body.json()) as { access_token?: string };
    if (answer.access_token === undefined) throw new Error(`no token: HTTP ${res.statusCode}`);
    return answer.access_token;
  } finally {
    await agent.close();
  }
}

export async function transportRun(world: World, node: string, token: string, urls: string[]): Promise<TransportRun> {
  const cpuBefore = childrenCpuSeconds();
  const started = performance.now();
  let stdoutBytes = 0;
  let stderr = "";
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(node, [join(REPO, "test", "bench", "transport.mjs"), token, ...urls], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_EXTRA_CA_CERTS: world.tls.caPath },
    });
    child.stdout.on("data", (chunk: Buffer) => (stdoutBytes += chunk.length));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("close", resolve);
  });
  if (code !== 0) throw new Error(`transport run failed (exit ${String(code)}): ${stderr.slice(-500)}`);
  return { wallMs: performance.now() - started, cpuSeconds: childrenCpuSeconds() - cpuBefore, stdoutBytes };
}
