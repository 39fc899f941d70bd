import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  existsSync,
  openSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";

import { makeTempDir } from "./temp.ts";

// A real proxy server for the tests: Debian's squid, started on loopback with a generated
// configuration. .ci/run installs it; a developer machine without it skips these tests.

const NCSA_HELPER = "/usr/lib/squid/basic_ncsa_auth";

export interface SquidOptions {
  /** Basic credentials the proxy requires (with squid's NCSA helper); none when absent. */
  auth?: { username: string; password: string };
  /** Also listen with TLS (an HTTPS proxy) with this certificate and key. */
  tls?: { certPath: string; keyPath: string };
  /** Host names that only the proxy resolves (squid's own hosts file). */
  hosts?: Record<string, string>;
  /** CONNECT to these ports is refused with 403, as a proxy's policy would. */
  denyPorts?: number[];
}

/** One line of squid's access.log (native format). */
export interface AccessEntry {
  /** `TCP_TUNNEL`, `TCP_DENIED`, … */
  result: string;
  status: number;
  method: string;
  /** `host:port` for CONNECT. */
  target: string;
  /** The authenticated user, or `-`. */
  user: string;
}

export interface Squid {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  port: number;
  /** The TLS listening port when `tls` was given. */
  httpsPort: number | undefined;
  /** Milliseconds from spawn to accepting connections. */
  startMs: number;
  accessLog(): AccessEntry[];
  /**
   * Waits until the access log satisfies `done` (squid writes a tunnel's line when the tunnel
   * closes, a moment after the client went away), then returns it.
   */
  waitForLog(done: (log: AccessEntry[]) => boolean, timeoutMs?: number): Promise<AccessEntry[]>;
  close(): Promise<void>;
}

/** squid's path, or undefined when it is not installed. */
export function squidBinary(): string | undefined {
  const dirs = [...(process.env["PATH"] ?? "").split(delimiter), "/usr/sbin", "/usr/local/sbin"];
  for (const dir of dirs) {
    const path = join(dir, "squid");
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The `skip` option for a suite that needs squid: a message when squid is missing on a
 * developer's machine; never in CI (CI=true), where the suite runs and fails loudly instead,
 * because .ci/run installs squid.
 */
export function skipWithoutSquid(): string | false {
  if (squidBinary() !== undefined || process.env["CI"] === "true") return false;
  return "squid is not installed (apt-get install squid, as .ci/run does): proxy tests skipped";
}

/** Starts squid on an ephemeral loopback port; retries when another process took the port. */
export async function startSquid(opts: SquidOptions = {}): Promise<Squid> {
  const binary = squidBinary();
  if (binary === undefined) {
    throw new Error("squid is not installed: .ci/run installs it with apt-get install squid");
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      return await launch(binary, opts);
    } catch (error) {
      lastError = error;
      if (!/in use/i.test(String(error))) throw error;
    }
  }
  throw lastError;
}

async function launch(binary: string, opts: SquidOptions): Promise<Squid> {
  const dir = makeTempDir("ta-dm-squid-");
  // squid started as root runs as its own user, which must write its logs here.
  chmodSync(dir, 0o777);
  const port = await freePort();
  const httpsPort = opts.tls === undefined ? undefined : await freePort();
  const conf = join(dir, "squid.conf");
  writeFileSync(conf, squidConf(dir, port, httpsPort, opts));

  const started = Date.now();
  // Its stderr goes to a file, not a pipe, so a running squid never holds the test process open.
  const stderrPath = join(dir, "stderr.log");
  const stderr = openSync(stderrPath, "w");
  const child = spawn(binary, ["-N", "-d", "1", "-f", conf], { stdio: ["ignore", "ignore", stderr] });
  closeSync(stderr);
  child.unref();
  const killOnExit = (): void => {
    child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);
  try {
    await untilListening(child, stderrPath, httpsPort === undefined ? 1 : 2);
  } catch (error) {
    process.off("exit", killOnExit);
    throw error;
  }
  const startMs = Date.now() - started;

  const accessLog = (): AccessEntry[] => readAccessLog(join(dir, "access.log"));
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    httpsPort,
    startMs,
    accessLog,
    async waitForLog(done, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const log = accessLog();
        if (done(log) || Date.now() > deadline) return log;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async close() {
      process.off("exit", killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function squidConf(dir: string, port: number, httpsPort: number | undefined, opts: SquidOptions): string {
  const lines = [
    `http_port 127.0.0.1:${port}`,
    ...(opts.tls === undefined || httpsPort === undefined
      ? []
      : [`https_port 127.0.0.1:${httpsPort} tls-cert=${opts.tls.certPath} tls-key=${opts.tls.keyPath}`]),
    `pid_filename ${join(dir, "squid.pid")}`,
    `access_log stdio:${join(dir, "access.log")}`,
    `cache_log ${join(dir, "cache.log")}`,
    "cache_store_log none",
    `coredump_dir ${dir}`,
    "cache deny all",
    "shutdown_lifetime 0 seconds",
    "pinger_enable off",
    "visible_hostname squid-test.invalid",
    // Names come only from the hosts file below; nothing is asked of a real resolver.
    "dns_nameservers 127.0.0.1",
    `hosts_file ${writeWorldReadable(join(dir, "hosts"), hostsFile(opts.hosts ?? {}))}`,
  ];
  for (const [index, denied] of (opts.denyPorts ?? []).entries()) {
    lines.push(`acl denied_port_${index} port ${denied}`, `http_access deny CONNECT denied_port_${index}`);
  }
  if (opts.auth !== undefined) {
    const hash = execFileSync("openssl", ["passwd", "-apr1", opts.auth.password], { encoding: "utf8" }).trim();
    const passwd = writeWorldReadable(join(dir, "passwd"), `${opts.auth.username}:${hash}\n`);
    lines.push(
      `auth_param basic program ${NCSA_HELPER} ${passwd}`,
      "auth_param basic children 2 startup=1 idle=1",
      "auth_param basic realm ta-defender-mssp-test",
      "acl authenticated proxy_auth REQUIRED",
      "http_access allow authenticated",
      "http_access deny all",
    );
  } else {
    lines.push("http_access allow all");
  }
  return `${lines.join("\n")}\n`;
}

function hostsFile(hosts: Record<string, string>): string {
  return ["127.0.0.1 localhost", ...Object.entries(hosts).map(([name, ip]) => `${ip} ${name}`)].join("\n") + "\n";
}

function writeWorldReadable(path: string, text: string): string {
  writeFileSync(path, text, { mode: 0o644 });
  return path;
}

function readAccessLog(path: string): AccessEntry[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const f = line.trim().split(/\s+/);
      const [result = "", status = "0"] = (f[3] ?? "").split("/");
      return { result, status: Number(status), method: f[5] ?? "", target: f[6] ?? "", user: f[7] ?? "-" };
    });
}

async function untilListening(child: ChildProcess, stderrPath: string, sockets: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const output = readFileSync(stderrPath, "utf8");
    if ((output.match(/Accepting HTTPS? Socket connections at/g) ?? []).length >= sockets) return;
    const exited = child.exitCode !== null || child.signalCode !== null;
    if (exited || Date.now() > deadline) {
      child.kill("SIGKILL");
      const fatal = output.split("\n").filter((l) => /FATAL|ERROR|in use/i.test(l)).join("\n");
      throw new Error(`squid ${exited ? "exited" : "did not start in 10 s"}: ${fatal || output.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}
