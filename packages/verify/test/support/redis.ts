/**
 * A Redis for tests: the one on 127.0.0.1:6379 when it answers, otherwise a
 * `redis-server` started on a free port and stopped afterwards.
 *
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { Redis } from "ioredis";

export interface TestRedis {
  client: Redis;
  stop(): Promise<void>;
}

async function answers(port: number): Promise<boolean> {
  const probe = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Connects to a Redis, starting one when none answers on 6379. */
export async function startRedis(): Promise<TestRedis> {
  let port = 6379;
  let child: ChildProcess | undefined;
  if (!(await answers(port))) {
    port = await freePort();
    child = spawn("redis-server", ["--port", String(port), "--save", "", "--appendonly", "no"], {
      stdio: "ignore",
    });
    // Bounded wait for the server to accept connections.
    for (let attempt = 0; attempt < 50 && !(await answers(port)); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const client = new Redis({ port, host: "127.0.0.1" });
  return {
    client,
    stop: async () => {
      client.disconnect();
      child?.kill("SIGKILL");
    },
  };
}
