import { type ChildProcess, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { fileURLToPath } from "node:url";
import { startTestReceiver, until } from "@attesta/test-support";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { DATABASE_URL, dropSchemas, freshSchema, query } from "./postgres/database";
import { onStdoutLines } from "./support/child-process";

const script = fileURLToPath(new URL("./postgres/endpoint-process.mjs", import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});
afterAll(dropSchemas);

interface Shown {
  readonly id: string;
  readonly url: string;
  readonly state: string;
  readonly pending: number;
}

/** One dispatcher process (endpoint-process.mjs): commands in, its endpoints() out. */
function startProcess(schema: string, pollIntervalMs: number, secrets = "given") {
  const args = [script, DATABASE_URL, schema, String(pollIntervalMs), secrets];
  const child = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "inherit"] });
  children.push(child);
  const state = { ready: false, done: 0, endpoints: [] as Shown[] };
  onStdoutLines(child, (line) => {
    if (line === "READY") state.ready = true;
    else if (line.startsWith("DONE ")) state.done = Number(line.slice(5));
    else if (line.startsWith("L ")) state.endpoints = JSON.parse(line.slice(2)) as Shown[];
  });
  let sent = 0;
  return {
    pid: child.pid,
    state,
    endpoint: (id: string) => state.endpoints.find((endpoint) => endpoint.id === id),
    /** Sends a command and resolves once the process has carried it out. */
    async run(command: Record<string, unknown>) {
      const n = ++sent;
      child.stdin?.write(`${JSON.stringify(command)}\n`);
      await until(() => state.done >= n, 30_000);
    },
  };
}

/** The pids holding the endpoint's lease, or every lease (owners are `host:pid:suffix`). */
async function ownerPids(schema: string, endpointId?: string): Promise<number[]> {
  const { rows } = await query(
    `SELECT owner FROM "${schema}".endpoint_owners WHERE $1::text IS NULL OR endpoint_id = $1`,
    [endpointId ?? null],
  );
  return rows.map((row) => Number(String(row.owner).split(":")[1]));
}

describe("PostgresStore: endpoints shared by every process", () => {
  it("an endpoint added, updated, disabled, enabled and removed in one process is applied live in the other", async () => {
    const receiver = await startTestReceiver();
    const base = receiver.url.replace(/\/hook$/, "");
    const arrived = (path: string, tag: string) =>
      receiver.requests.filter(
        (r) => r.path === path && r.body.toString("utf8").includes(`"tag":"${tag}"`),
      ).length;
    const schema = freshSchema("attesta_shared");
    // A long poll: the changes below travel by notification.
    const a = startProcess(schema, 60_000);
    await until(() => a.state.ready, 30_000);
    const b = startProcess(schema, 60_000);
    await until(() => b.state.ready, 30_000);

    // Added in A, which then delivers it (its first use took the endpoint's lease).
    const config = { id: "x", url: `${base}/one`, secret: "whsec_shared_endpoints" };
    await a.run({ op: "add", config: { ...config, retryBaseDelayMs: 10 } });
    await until(() => b.endpoint("x")?.url === `${base}/one`, 20_000);
    await b.run({ op: "emit", count: 5, tag: "first" });
    await until(() => arrived("/one", "first") === 5, 20_000);

    // One process holds the endpoint's lease and delivers it; the changes below are made in the
    // other one, so what is delivered shows that the owner applied them.
    const [ownerPid] = await ownerPids(schema, "x");
    const [owner, other] = ownerPid === a.pid ? [a, b] : [b, a];
    expect(owner.pid).toBe(ownerPid);

    await other.run({ op: "update", id: "x", patch: { url: `${base}/two` } });
    await until(() => owner.endpoint("x")?.url === `${base}/two`, 20_000);
    await other.run({ op: "emit", count: 5, tag: "second" });
    await until(() => arrived("/two", "second") === 5, 20_000);
    expect(arrived("/one", "second")).toBe(0);

    // Disabled elsewhere: the owner stops, keeps what is owed, and sends it once enabled again.
    await other.run({ op: "disable", id: "x" });
    await until(() => owner.endpoint("x")?.state === "disabled", 20_000);
    await other.run({ op: "emit", count: 4, tag: "held" });
    await until(() => owner.endpoint("x")?.pending === 4, 20_000);
    expect(arrived("/two", "held")).toBe(0);
    await other.run({ op: "enable", id: "x" });
    await until(() => owner.endpoint("x")?.state === "enabled", 20_000);
    await until(() => arrived("/two", "held") === 4, 20_000);

    // Removed elsewhere: gone from the owner too.
    await other.run({ op: "remove", id: "x", drain: true });
    await until(() => owner.endpoint("x") === undefined, 20_000);
    await until(() => other.endpoint("x") === undefined, 20_000);
    const requests = receiver.requests.length;
    expect(requests).toBe(14);
  }, 120_000);

  it("a process without an endpoint's secret leaves it to one that can sign, and what it emitted is delivered", async () => {
    const receiver = await startTestReceiver();
    const schema = freshSchema("attesta_shared");
    const secret = "whsec_shared_endpoints";
    // Stored signed, without its secret (storeSecrets is off): each process finds it by itself.
    const first = startProcess(schema, 200);
    await until(() => first.state.ready, 30_000);
    await first.run({ op: "add", config: { id: "signed", url: receiver.url, secret } });
    await first.run({ op: "close" });

    // A process that has no secret restores it disabled, and must not take it.
    const blind = startProcess(schema, 200, "none");
    await until(() => blind.endpoint("signed")?.state === "disabled", 30_000);
    await blind.run({ op: "emit", count: 5, tag: "blind" });
    const able = startProcess(schema, 200);
    await until(() => able.endpoint("signed")?.state === "enabled", 30_000);
    await able.run({ op: "emit", count: 5, tag: "able" });

    const signed = () =>
      receiver.requests.filter(
        (r) =>
          r.headers["x-attesta-signature"] ===
          `sha256=${createHmac("sha256", secret).update(r.body).digest("hex")}`,
      ).length;
    await until(
      () => signed() === 10,
      30_000,
      50,
      () => `${signed()} of 10 arrived signed`,
    );
    expect(receiver.requests.length).toBe(10);
    expect(await ownerPids(schema, "signed")).toEqual([able.pid]);
  }, 90_000);

  it("removing with drain in a process that does not deliver the endpoint resolves once the process that does has delivered everything owed", async () => {
    // Slow on purpose: what is owed is still being sent when the removal starts.
    const receiver = await startTestReceiver((_req, res) => {
      setTimeout(() => res.writeHead(204).end(), 25);
    });
    const schema = freshSchema("attesta_shared");
    const a = startProcess(schema, 200);
    await until(() => a.state.ready, 30_000);
    const b = startProcess(schema, 200);
    await until(() => b.state.ready, 30_000);
    await a.run({ op: "add", config: { id: "slow", url: receiver.url, concurrency: 1 } });
    await until(() => b.endpoint("slow") !== undefined, 20_000);
    await a.run({ op: "emit", count: 40, tag: "owed" });
    expect(await ownerPids(schema)).toEqual([a.pid]);

    await b.run({ op: "remove", id: "slow", drain: true });
    expect(receiver.requests.length).toBe(40);
    const pending = await query(
      `SELECT count(*)::int AS n FROM "${schema}".deliveries WHERE status <> 'delivered'`,
    );
    expect(pending.rows).toEqual([{ n: 0 }]);
    // Both report endpoints() every 20 ms, so each is read once its next report came.
    await until(() => a.endpoint("slow") === undefined, 20_000);
    await until(() => b.endpoint("slow") === undefined, 20_000);
  }, 90_000);

  it("a change whose notification was lost is picked up by the poll", async () => {
    const receiver = await startTestReceiver();
    const schema = freshSchema("attesta_shared");
    const a = startProcess(schema, 200);
    await until(() => a.state.ready, 30_000);
    // Written behind the store's back: no notification, only the table.
    const config = { id: "quiet", url: receiver.url };
    await query(
      `INSERT INTO "${schema}".endpoints (id, config, signed, updated_at) VALUES ($1, $2, false, 0)`,
      ["quiet", JSON.stringify(config)],
    );
    await until(() => a.endpoint("quiet")?.url === receiver.url, 20_000);
    await a.run({ op: "emit", count: 3, tag: "polled" });
    await until(() => receiver.requests.length === 3, 20_000);
    await query(`DELETE FROM "${schema}".endpoints WHERE id = 'quiet'`);
    await until(() => a.endpoint("quiet") === undefined, 20_000);
  }, 60_000);
});
