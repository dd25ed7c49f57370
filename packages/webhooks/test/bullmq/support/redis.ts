/**
 * Redis for the distributed-mode tests: the shared server (REDIS_URL, else
 * 127.0.0.1:6379) under a unique key prefix per run, or a private
 * `redis-server` on a free port that a test may stop and restart.
 *
 * @module
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { until } from "@attesta/test-support";
import { Redis } from "ioredis";

/** Whether something at host:port answers PING with PONG within `timeoutMs`. */
export function ping(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("error", () => done(false));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
    socket.connect(port, host, () => socket.write("PING\r\n"));
  });
}

// A port finder for a private redis-server, not an HTTP receiver: it closes before anything connects.
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

export function hasRedisServer(): boolean {
  return spawnSync("redis-server", ["--version"]).status === 0;
}

/** A redis-server of this test run only; data survives `restart()` (AOF in a temp dir). */
export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** Stops it (SIGTERM, so the AOF is flushed) and waits for the exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and directory and waits until it answers. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  destroy(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "attesta-redis-"));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes"],
      { cwd: dir, stdio: "ignore" },
    );
    const started = child;
    await until(
      async () => {
        if (started.exitCode !== null)
          throw new Error(`redis-server exited with ${started.exitCode}`);
        return ping("127.0.0.1", port, 200);
      },
      10_000,
      25,
      () => `redis-server did not answer on port ${port}`,
    );
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    const exited = once(running, "exit");
    running.kill("SIGTERM");
    const timer = setTimeout(() => running.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    destroy: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let shared: Promise<{ url: string; close: () => Promise<void> }> | undefined;

/**
 * The Redis the tests share: REDIS_URL, else 127.0.0.1:6379 when it answers,
 * else a private redis-server for the run. Never flushed: tests use `uniquePrefix()`.
 */
export function sharedRedis(): Promise<{ url: string; close: () => Promise<void> }> {
  shared ??= (async () => {
    if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, close: async () => {} };
    if (await ping("127.0.0.1", 6379))
      return { url: "redis://127.0.0.1:6379", close: async () => {} };
    if (!hasRedisServer()) {
      throw new Error(
        "No Redis: set REDIS_URL, run one on 127.0.0.1:6379, or install redis-server (apt-get install redis-server).",
      );
    }
    const own = await startPrivateRedis();
    return { url: own.url, close: own.destroy };
  })();
  return shared;
}

/** A key prefix no other run uses. */
export function uniquePrefix(): string {
  return `attesta-test-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Deletes the keys of one prefix (never anything else) from the shared Redis. */
export async function deletePrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    for (let round = 0; round < 10_000; round++) {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
      if (cursor === "0") break;
    }
  } finally {
    redis.disconnect();
  }
}
