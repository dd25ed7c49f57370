/**
 * `attesta deliveries … --pg` against a real PostgresStore schema written by
 * a real dispatcher in another process, and redeliveries it carries out.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli";
import { listDeliveries, runStoreApp, startRefusingReceiver } from "./support/store-app";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `attesta_cli_${process.pid}_${randomBytes(3).toString("hex")}`;

afterAll(async () => {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

function runApp(url: string, events: string[], wait = 0) {
  return runStoreApp(`${DATABASE_URL}?schema=${schema}`, url, events, wait, 60_000);
}

const pgArgs = ["--pg", DATABASE_URL, "--schema", schema];

function listJson(...args: string[]) {
  return listDeliveries(pgArgs, ...args);
}

describe("attesta deliveries --pg", () => {
  it("lists, shows, redelivers and recovers; the next dispatcher sends them again", {
    timeout: 120_000,
  }, async () => {
    const first = await startRefusingReceiver(false);
    expect(await runApp(first.url, ["approved", "denied", "denied"])).toMatchObject({
      delivered: 1,
      failed: 2,
    });
    const all = await listJson();
    expect(all.map((d) => [d.event, d.status])).toEqual([
      ["DENIED", "dead"],
      ["DENIED", "dead"],
      ["APPROVED", "delivered"],
    ]);
    const shown = await runCli(["deliveries", "show", all[1].id, ...pgArgs]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain("status      dead (rejected)");
    expect(shown.stdout).toMatch(/#1 {2}\S+ {2}HTTP 422/);

    const redeliver = await runCli(["deliveries", "redeliver", all[2].id, ...pgArgs]);
    expect(redeliver.code, redeliver.stderr).toBe(0);
    expect(redeliver.stdout).toContain(`✓ ${all[2].id}: redelivery requested`);
    const recover = await runCli(["deliveries", "recover", ...pgArgs, "--json"]);
    expect(JSON.parse(recover.stdout)).toEqual({ matched: 2, requested: 2, dry_run: false });

    const second = await startRefusingReceiver(true);
    expect(await runApp(second.url, [], 3)).toMatchObject({ delivered: 3 });
    expect([...second.ids].sort()).toEqual([all[0].id, all[1].id, all[2].id].sort());
    expect(await listJson("--status", "dead")).toHaveLength(0);
  });

  it("prints the migrations for a DBA, and refuses --db with --pg", async () => {
    const printed = await runCli(["deliveries", "migrate", "--print", "--schema", "webhooks"]);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toContain('CREATE TABLE IF NOT EXISTS "webhooks".deliveries');
    expect(printed.stdout.trim().endsWith("COMMIT;")).toBe(true);
    const both = await runCli(["deliveries", "list", "--db", "x.db", ...pgArgs]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--db and --pg were both given.");
  });
});
