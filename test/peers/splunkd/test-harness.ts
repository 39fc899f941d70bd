import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { Agent, request } from "undici";

import { createTestTls, type TestTls } from "../../support/tls.ts";
import { createSplunkdPeer, type SplunkdPeer } from "./splunkd-peer.ts";
import { makeTempDir } from "../../support/temp.ts";

/** A splunkd entry as the tests read it. */
export interface Entry {
  name: string;
  id: string;
  author: string;
  acl: { app: string; owner: string; sharing: string };
  content: Record<string, unknown>;
}

/** splunkd's JSON answer: an envelope, a messages body, or KV store JSON. */
export interface Answer {
  status: number;
  text: string;
  contentType: string;
  /** The parsed JSON body; undefined for an empty or non-JSON body. */
  json: unknown;
  entries: Entry[];
  /** `messages[0].text` of an error body. */
  message: string | undefined;
}

export interface CallOptions {
  method?: string;
  /** The session key; omitted means no Authorization header. */
  key?: string;
  query?: Record<string, string>;
  form?: Record<string, string>;
  json?: unknown;
  contentType?: string;
  /** Adds output_mode=json to the query; default true. */
  jsonMode?: boolean;
}

export interface Harness {
  tls: TestTls;
  appDir: string;
  peer: SplunkdPeer;
  adminKey: string;
  call(path: string, opts?: CallOptions): Promise<Answer>;
  close(): Promise<void>;
}

/** The app folder the tests serve: collections, an account conf and inputs defaults. */
export function makeAppDir(): string {
  const appDir = makeTempDir("ta-dm-app-");
  mkdirSync(join(appDir, "default"));
  writeFileSync(
    join(appDir, "default", "collections.conf"),
    "[ta_defender_mssp_checkpoints]\nfield.state = string\n\n[other_collection]\n",
  );
  writeFileSync(
    join(appDir, "default", "ta_defender_mssp_account.conf"),
    "# shipped example\n[default]\nauthority = global\n\n[example]\nclient_id = 0000\n" +
      "description = first line \\\nsecond line\n",
  );
  writeFileSync(
    join(appDir, "default", "inputs.conf"),
    "[ta_defender_mssp]\ninterval = 300\nsourcetype = ms:defender:atp:alerts\n",
  );
  return appDir;
}

/** One TLS set-up, one app folder and one peer per test file. */
export async function startHarness(): Promise<Harness> {
  const tls = createTestTls();
  const appDir = makeAppDir();
  const peer = await createSplunkdPeer({ tls, appDir });
  const agent = new Agent({ connect: { ca: tls.ca } });

  const call = async (path: string, opts: CallOptions = {}): Promise<Answer> => {
    const query = new URLSearchParams(opts.query);
    if (opts.jsonMode !== false) query.set("output_mode", "json");
    const headers: Record<string, string> = {};
    if (opts.key !== undefined) headers["authorization"] = `Splunk ${opts.key}`;
    let body: string | undefined;
    if (opts.form !== undefined) {
      body = new URLSearchParams(opts.form).toString();
      headers["content-type"] = "application/x-www-form-urlencoded";
    } else if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers["content-type"] = "application/json";
    }
    if (opts.contentType !== undefined) headers["content-type"] = opts.contentType;
    const search = query.size > 0 ? `?${query.toString()}` : "";
    const response = await request(`${peer.url}${path}${search}`, {
      method: (opts.method ?? (body === undefined ? "GET" : "POST")) as "GET",
      headers,
      body,
      dispatcher: agent,
    });
    const text = await response.body.text();
    return toAnswer(response.statusCode, String(response.headers["content-type"] ?? ""), text);
  };

  return {
    tls,
    appDir,
    peer,
    adminKey: peer.sessionKeyFor("admin"),
    call,
    async close() {
      await agent.close();
      await peer.close();
    },
  };
}

function toAnswer(status: number, contentType: string, text: string): Answer {
  let json: unknown;
  try {
    json = text === "" ? undefined : (JSON.parse(text) as unknown);
  } catch {
    json = undefined;
  }
  const record = (typeof json === "object" && json !== null ? json : {}) as {
    entry?: Entry[];
    messages?: { text?: string }[];
  };
  return {
    status,
    text,
    contentType,
    json,
    entries: record.entry ?? [],
    message: record.messages?.[0]?.text,
  };
}
