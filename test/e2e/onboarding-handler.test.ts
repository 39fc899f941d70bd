// The splunkd REST handler in bin/ (Python, as splunkd requires), end to end: it passes the
// setup page's request to `defender_alerts --onboard` and relays the answer and its status.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { MSSP_CLIENT_ID, REPO } from "../support/world.ts";
import { REDIRECT_URI, startOnboardingWorld, type OnboardingWorld } from "../auth/support/onboarding.ts";

const PYTHON = ["python3", "python"].find((cmd) => spawnSync(cmd, ["--version"]).status === 0);

// Loads the handler as splunkd's persistconn server does and hands it one request.
const DRIVER = `
import json, sys
sys.path.insert(0, ${JSON.stringify(join(REPO, "bin"))})
import ta_defender_mssp_onboard as handler
answer = handler.OnboardHandler("", "").handle(sys.stdin.read())
sys.stdout.write(json.dumps(answer))
`;

describe("the REST handler for the setup page (bin/ta_defender_mssp_onboard.py)", { skip: PYTHON === undefined && "no python3" }, () => {
  let o: OnboardingWorld;
  let session: string;

  before(async () => {
    o = await startOnboardingWorld();
    session = o.session();
  });
  after(() => o.close());

  // Asynchronous: the stand-ins live in this process and must keep answering meanwhile.
  const call = (request: Record<string, unknown>) =>
    new Promise<{ answer: { status: number; payload: Record<string, unknown> }; stderr: string }>((resolve, reject) => {
      const child = spawn(PYTHON ?? "python3", ["-c", DRIVER], {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: o.world.tls.caPath },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      child.on("error", reject);
      child.on("close", (code) => {
        if (code !== 0) return reject(new Error(`python exited ${String(code)}: ${stderr}`));
        resolve({ answer: JSON.parse(stdout) as { status: number; payload: Record<string, unknown> }, stderr });
      });
      child.stdin.end(JSON.stringify(request));
    });
  const post = (action: string, params: Record<string, string>) => call({
    method: "POST",
    payload: JSON.stringify({ action, params }),
    session: { user: "admin", authtoken: session },
    server: { rest_uri: o.world.splunkd.url, hostname: "splunk.mssp.example" },
  });

  it("stores a credential and starts a consent through the executable", async () => {
    const stored = await post("store_client_secret", { account: "viapython", client_id: MSSP_CLIENT_ID, client_secret: "py-secret~1" });
    assert.equal(stored.answer.status, 200, JSON.stringify(stored.answer));
    assert.equal(o.world.splunkd.conf("ta_defender_mssp_account")["viapython"]?.["client_id"], MSSP_CLIENT_ID);
    const started = await post("admin_consent_url", { ...o.cloud(), account: "viapython", redirect_uri: REDIRECT_URI });
    assert.equal(started.answer.status, 200);
    assert.match(String(started.answer.payload["url"]), /\/organizations\/adminconsent\?client_id=/);
    assert.ok(!started.stderr.includes(session) && !stored.stderr.includes("py-secret~1"));
  });

  it("relays the executable's refusals with their status, and refuses what is not a POST", async () => {
    const bad = await post("admin_consent_callback", { state: "forged-state-value-0123456789" });
    assert.equal(bad.answer.status, 400);
    assert.equal((bad.answer.payload["error"] as Record<string, string>)["code"], "ONBOARDING_STATE_INVALID");
    const unknown = await post("drop_tables", {});
    assert.match(String((unknown.answer.payload["error"] as Record<string, string>)["message"]), /Unknown action 'drop_tables'/);
    assert.equal((await call({ method: "GET", session: { user: "admin", authtoken: session } })).answer.status, 405);
    assert.equal((await call({ method: "POST", payload: "{not json" })).answer.status, 400);
  });
});
