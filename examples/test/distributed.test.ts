/**
 * Smoke test of examples/distributed: two worker processes and a producer
 * process, through a real Redis, to the Koa receiver example.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  commandFor,
  examplesDir,
  type RunningExample,
  runExample,
  startExample,
} from "./run-example";

const SECRET = "whsec_smoke_test_distributed";
const prefix = `attesta-examples-${process.pid}-${Date.now().toString(36)}`;
const cleanups: (() => Promise<void> | void)[] = [];

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
    socket.connect(port, "127.0.0.1", () => socket.write("PING\r\n"));
  });
}

/** REDIS_URL, else 127.0.0.1:6379 when it answers, else a private redis-server. */
async function redisUrl(): Promise<string> {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  if (await ping(6379)) return "redis://127.0.0.1:6379";
  // A port finder for the private redis-server, not an HTTP receiver: it closes before anything connects.
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  const dir = mkdtempSync(join(tmpdir(), "attesta-examples-redis-"));
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", ""],
    {
      cwd: dir,
      stdio: "ignore",
    },
  );
  cleanups.push(() => {
    child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  });
  for (let i = 0; i < 100 && !(await ping(port)); i++) await new Promise((r) => setTimeout(r, 50));
  return `redis://127.0.0.1:${port}`;
}

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const [command, args] = commandFor("distributed/worker.ts");
  const child = spawn(command, args, {
    cwd: examplesDir,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error("worker example did not start in 30 s")),
      30_000,
    );
    child.stdout?.on("data", (chunk: Buffer) => {
      if (!chunk.toString().includes("Worker ready")) return;
      clearTimeout(timer);
      resolve(child);
    });
  });
}

describe("examples/distributed", () => {
  let receiver: RunningExample;
  let env: Record<string, string>;

  beforeAll(async () => {
    receiver = await startExample("koa-receiver.ts", { ATTESTA_WEBHOOK_SECRET: SECRET });
    env = {
      ATTESTA_WEBHOOK_SECRET: SECRET,
      ATTESTA_WEBHOOK_URL: receiver.url,
      REDIS_URL: await redisUrl(),
      ATTESTA_QUEUE_PREFIX: prefix,
    };
  });

  afterAll(async () => {
    await receiver?.stop();
    if (env !== undefined) {
      const redis = new Redis(env.REDIS_URL ?? "", { maxRetriesPerRequest: 1 });
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("the producer enqueues, two workers deliver every event signed, then stop cleanly", async () => {
    const workers = [await startWorker(env), await startWorker(env)];
    const { code, output } = await runExample("distributed/producer.ts", {
      ...env,
      ATTESTA_EVENTS: "6",
    });
    expect(output).toContain("Enqueued 6 deliveries; 0 unsent.");
    expect(code).toBe(0);
    const delivered = () =>
      receiver.lines.filter((line) => line === "APPROVED issue_refund by agent-billing-7");
    for (let i = 0; i < 300 && delivered().length < 6; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(delivered()).toHaveLength(6);
    for (const worker of workers) {
      let out = "";
      worker.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
      worker.kill("SIGTERM");
      await once(worker, "exit");
      expect(out).toContain("Worker stopped; 0 delivery(ies) handed back.");
    }
  });
});
