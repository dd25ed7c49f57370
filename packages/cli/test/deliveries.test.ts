/**
 * `attesta deliveries` against real SqliteStore files written by a real
 * dispatcher in another process, and redeliveries it carries out.
 */

import { once } from "node:events";
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventBus } from "@attesta/events";
import { WebhookDispatcher } from "@attesta/webhooks";
import { SqliteStore } from "@attesta/webhooks/sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli";
import { listDeliveries, runStoreApp, startRefusingReceiver } from "./support/store-app";

const dir = mkdtempSync(join(tmpdir(), "attesta-deliveries-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the application fixture to completion on `db` (asynchronously: the receiver lives in this process). */
function runApp(db: string, url: string, events: string[], wait = 0) {
  return runStoreApp(db, url, events, wait);
}

function listJson(db: string, ...args: string[]) {
  return listDeliveries(["--db", db], ...args);
}

describe("attesta deliveries", () => {
  it("lists, shows, redelivers and recovers; the dispatcher then sends them again", async () => {
    const db = join(dir, "webhooks.db");
    const first = await startRefusingReceiver(false);
    expect(await runApp(db, first.url, ["approved", "denied", "approved", "denied"])).toMatchObject(
      {
        delivered: 2,
        failed: 2,
      },
    );

    // Newest first, as the console shows them.
    const all = await listJson(db);
    expect(all.map((d) => [d.event, d.status])).toEqual([
      ["DENIED", "dead"],
      ["APPROVED", "delivered"],
      ["DENIED", "dead"],
      ["APPROVED", "delivered"],
    ]);
    expect((await listJson(db, "--limit", "3")).map((d) => d.id)).toEqual(
      all.slice(0, 3).map((d) => d.id),
    );
    const dead = await listJson(db, "--status", "dead");
    expect(dead.map((d) => d.dead_reason)).toEqual(["rejected", "rejected"]);

    const table = await runCli(["deliveries", "list", "--db", db, "--event", "denied"]);
    const rows = table.stdout.trim().split("\n");
    expect(rows[0]).toMatch(/^ID +CREATED +ENDPOINT +EVENT +STATUS +ATTEMPTS +LAST$/);
    expect(rows.slice(1).every((row) => /DENIED +dead \(rejected\) +1 +HTTP 422$/.test(row))).toBe(
      true,
    );

    const shown = await runCli(["deliveries", "show", dead[0].id, "--db", db]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("status      dead (rejected)");
    expect(shown.stdout).toMatch(/#1 {2}\S+ {2}HTTP 422/);
    expect(shown.stdout).toContain('{"event":"DENIED","timestamp":');

    const redeliver = await runCli([
      "deliveries",
      "redeliver",
      all[1].id,
      "no-such-id",
      "--db",
      db,
    ]);
    expect(redeliver.code).toBe(1);
    expect(redeliver.stdout).toContain(`✓ ${all[1].id}: redelivery requested`);
    expect(redeliver.stdout).toContain("✗ no-such-id: not requested (unknown id)");

    const recover = await runCli(["deliveries", "recover", "--db", db]);
    expect(recover.code).toBe(0);
    expect(recover.stderr).toContain("requesting redelivery: 2 of 2 (100%)");
    expect(recover.stdout).toContain("redelivery requested for 2 of 2 dead deliveries");

    // The application starts again on the same file; its endpoint is healthy now.
    const second = await startRefusingReceiver(true);
    expect(await runApp(db, second.url, [], 3)).toMatchObject({ delivered: 3 });
    expect([...second.ids].sort()).toEqual([all[1].id, dead[0].id, dead[1].id].sort());
    expect(await listJson(db, "--status", "dead")).toHaveLength(0);
  });

  it("shows the content type and headers a format function set", async () => {
    const db = join(dir, "formatted.db");
    const hook = await startRefusingReceiver(true);
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(
      bus,
      [
        {
          id: "audit",
          url: hook.url,
          format: (payload) => ({
            body: `${payload.event} for the audit log`,
            contentType: "text/plain; charset=utf-8",
            headers: { "x-team": "payments" },
          }),
        },
      ],
      { store: new SqliteStore({ path: db }), logger: null },
    );
    bus.emit({
      type: "denied",
      data: { agent_id: "a", action_name: "drop", risk_score: 0.9, risk_level: "critical" },
    });
    await dispatcher.flush();
    await dispatcher.close();
    const [listed] = await listJson(db);
    expect(listed).toMatchObject({
      content_type: "text/plain; charset=utf-8",
      headers: { "x-team": "payments" },
      body: "DENIED for the audit log",
    });
    const shown = await runCli(["deliveries", "show", listed.id, "--db", db]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain("type        text/plain; charset=utf-8");
    expect(shown.stdout).toContain("header      x-team: payments");
  });

  it("says why a disabled endpoint's deliveries wait, with a chat service's gone code", async () => {
    const db = join(dir, "gone.db");
    // A Slack stand-in whose channel was archived: 410 with Slack's code as the body.
    const slack = createServer((req, res) => {
      req.resume().on("end", () => res.writeHead(410).end("channel_is_archived"));
    });
    slack.listen(0, "127.0.0.1");
    await once(slack, "listening");
    const port = (slack.address() as { port: number }).port;
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(
      bus,
      [{ id: "alerts", url: `http://127.0.0.1:${port}/services/T1/B1/x`, format: "slack" }],
      { store: new SqliteStore({ path: db }), logger: null },
    );
    const emit = () =>
      bus.emit({
        type: "denied",
        data: { agent_id: "a", action_name: "drop", risk_score: 0.9, risk_level: "critical" },
      });
    emit();
    await dispatcher.flush();
    emit();
    await dispatcher.close();
    slack.closeAllConnections();
    slack.close();
    const table = await runCli(["deliveries", "list", "--db", db]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain("endpoint alerts is disabled (gone: channel_is_archived)");
  });

  it("counts with --dry-run and filters recover by endpoint and time", async () => {
    const db = join(dir, "dry-run.db");
    const target = await startRefusingReceiver(false);
    await runApp(db, target.url, ["denied", "denied", "denied"]);
    const dry = await runCli(["deliveries", "recover", "--db", db, "--dry-run", "--json"]);
    expect(JSON.parse(dry.stdout)).toEqual({ matched: 3, requested: 0, dry_run: true });
    const future = await runCli([
      "deliveries",
      "recover",
      "--db",
      db,
      "--since",
      "2999-01-01T00:00:00Z",
      "--json",
    ]);
    expect(JSON.parse(future.stdout)).toMatchObject({ matched: 0, requested: 0 });
    const other = await runCli([
      "deliveries",
      "recover",
      "--db",
      db,
      "--endpoint",
      "billing",
      "--json",
    ]);
    expect(JSON.parse(other.stdout)).toMatchObject({ matched: 0 });
  });

  it("refuses a --db that is not a store file with one fix that speaks of reading (3)", async () => {
    const log = join(dir, "some.log");
    const text = "2025-06-15 14:32:18 INFO started\n".repeat(200);
    writeFileSync(log, text);
    const result = await runCli(["deliveries", "list", "--db", log]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /^@attesta\/cli: --db: cannot read .*some\.log is not a readable SQLite database/,
    );
    expect(result.stderr.match(/Fix:/g)).toHaveLength(1);
    expect(result.stderr).not.toMatch(/created|new empty store/);
    expect(result.stderr).toContain("this one was only read, never changed");
    expect(readFileSync(log, "utf8")).toBe(text);
  });

  it("refuses a store file with overwritten pages and says how to recover (3)", async () => {
    const db = join(dir, "damaged.db");
    const target = await startRefusingReceiver(true);
    const events = Array.from({ length: 40 }, () => "approved");
    expect(await runApp(db, target.url, events, 40)).toMatchObject({ delivered: 40 });
    const fd = openSync(db, "r+");
    for (const page of [2, 4]) writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, (page - 1) * 4096);
    closeSync(fd);
    const before = readFileSync(db);
    const result = await runCli(["deliveries", "list", "--db", db]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /^@attesta\/cli: --db: cannot read .*damaged\.db is damaged: SQLite's quick_check reports/,
    );
    expect(result.stderr).toContain("restore it from your latest backup");
    expect(result.stdout).toBe("");
    expect(readFileSync(db).equals(before)).toBe(true);
  });

  it("explains a missing --db (2), a missing file (3) and a bad filter (2)", async () => {
    const none = await runCli(["deliveries", "list"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("--db is required. Fix:");
    const missing = await runCli(["deliveries", "list", "--db", join(dir, "nope.db")]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("no such file. Fix:");
    const since = await runCli([
      "deliveries",
      "list",
      "--db",
      join(dir, "nope.db"),
      "--since",
      "yesterday",
    ]);
    expect(since.code).toBe(2);
    expect(since.stderr).toContain(
      '--since must be a duration (30m, 2h, 1d) or an ISO 8601 date; got "yesterday". Fix:',
    );
    const sub = await runCli(["deliveries", "purge", "--db", "x"]);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toContain('unknown deliveries command "purge". Fix:');
  });
});
