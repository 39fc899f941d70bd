// The main job on an embedded default, in one command (`npm run demo`): starts the stand-ins for
// splunkd, Entra ID and Defender on loopback, stores an MSSP account's secret the way the setup
// page does, runs the built input twice the way splunkd does, and shows what was indexed.
import { generateAlerts } from "../test/peers/defender/index.ts";
import { createWorld } from "../test/support/world.ts";

const BACKLOG = 1200;
const world = await createWorld();
try {
  await world.addAccount("mssp", "demo-client-secret-value");
  // Created 7 to 4.5 days ago and last updated up to 3 days after creation, so none is in the future.
  const startMs = Date.now() - 7 * 86_400_000;
  const tenantId = world.addTenant(
    generateAlerts({ count: BACKLOG, tenantId: "contoso", seed: 42, startMs, stepMs: 180_000, evidence: { min: 0, max: 12 } }),
  );
  const params = world.params(tenantId, { start_date: new Date(startMs - 86_400_000).toISOString().slice(0, 10), page_size: "500" });
  console.log(`splunkd stand-in  ${world.splunkd.url}`);
  console.log(`Entra ID stand-in ${world.entra.url}`);
  console.log(`Defender stand-in ${world.defender.url}`);
  console.log(`input             [defender_alerts://contoso] tenant_id=${tenantId} account=mssp\n`);

  const first = await world.runner.run("contoso", params);
  report("run 1 (backlog)", first);

  const ids = world.defender.alerts(tenantId).map((a) => a.id);
  for (const id of ids.slice(0, 4)) world.defender.update(tenantId, id, { status: "Resolved", classification: "TruePositive" });
  // New alerts become visible as they are raised: last updated now.
  const raised = generateAlerts({ count: 3, tenantId: "contoso", seed: 43, startMs: Date.now() - 60_000, stepMs: 1000 });
  world.defender.seed(tenantId, raised.map((a) => ({ ...a, status: "New" as const, lastUpdateTime: new Date().toISOString() })));
  console.log("\nbetween runs: 4 alerts resolved in Defender, 3 new alerts raised\n");

  const before = world.runner.index.events.length;
  const second = await world.runner.run("contoso", params);
  report("run 2 (changes only)", second);

  console.log("\nindexed by run 2 (index=mssp_alerts sourcetype=ms:defender:atp:alerts):");
  console.log("  _time                     id                                   severity       status      title");
  for (const event of world.runner.index.events.slice(before)) {
    const alert = JSON.parse(event.raw) as Record<string, string>;
    console.log(
      `  ${new Date(event.time * 1000).toISOString()}  ${pad(alert["id"], 36)} ${pad(alert["severity"], 14)} ${pad(alert["status"], 11)} ${alert["title"]}`,
    );
  }
  const checkpoint = world.splunkd.kv("ta_defender_mssp_checkpoints")[0];
  console.log(`\nKV store checkpoint: ${JSON.stringify(checkpoint)}`);
  console.log(`\nsplunkd.log (ExecProcessor) of the last run:`);
  for (const line of world.runner.splunkdLog.slice(-3)) console.log(`  ${line}`);
  console.log(`\ntotal: ${world.runner.index.events.length} events for ${BACKLOG + 3} alerts and 4 updates`);
} finally {
  await world.close();
}

function report(label: string, result: { exitCode: number | null; events: number; durationMs: number }): void {
  console.log(`${label}: exit ${result.exitCode}, ${result.events} events indexed in ${Math.round(result.durationMs)} ms`);
}

function pad(text: string | undefined, width: number): string {
  return (text ?? "").padEnd(width);
}
