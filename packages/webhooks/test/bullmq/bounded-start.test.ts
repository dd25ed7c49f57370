import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { RedisConnectError, startWebhookWorkers } from "../../src/bullmq/index";
import { freePort } from "./support/redis";
import { useSharedRedis } from "./support/redis-fixture";

const redis = await useSharedRedis();
const ENDPOINT = { id: "bounded", url: "http://127.0.0.1:9/hook" };

async function rejection(start: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const began = Date.now();
  try {
    await start;
  } catch (error) {
    return { error, ms: Date.now() - began };
  }
  throw new Error("the start resolved; a rejection was expected");
}

describe("@attesta/webhooks/bullmq bounded start", () => {
  it("rejects with a RedisConnectError naming the redacted URL when nothing listens", async () => {
    const port = await freePort();
    const { error, ms } = await rejection(
      startWebhookWorkers([ENDPOINT], {
        connection: `redis://ops:hunter2@127.0.0.1:${port}`,
        connectTimeoutMs: 400,
        logger: null,
      }),
    );
    expect(error).toBeInstanceOf(RedisConnectError);
    const { message, code } = error as RedisConnectError;
    expect(code).toBe("timeout");
    expect(message).toContain(`redis://ops:***@127.0.0.1:${port}`);
    expect(message).not.toContain("hunter2");
    expect(message).toMatch(/^@attesta\/webhooks\/bullmq: .*within 400 ms\. Fix: /);
    // Generous margin: the bound is what is checked, not the speed.
    expect(ms).toBeLessThan(400 + 10_000);
  });

  it("rejects when its signal aborts, long before the connect timeout", async () => {
    const port = await freePort();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("deploy cancelled")), 200);
    const { error, ms } = await rejection(
      startWebhookWorkers([ENDPOINT], {
        connection: { host: "127.0.0.1", port, password: "hunter2" },
        connectTimeoutMs: 120_000,
        signal: controller.signal,
        logger: null,
      }),
    );
    expect(error).toBeInstanceOf(RedisConnectError);
    expect((error as RedisConnectError).code).toBe("aborted");
    expect((error as RedisConnectError).message).toContain(`redis://:***@127.0.0.1:${port}`);
    expect((error as Error).cause).toEqual(new Error("deploy cancelled"));
    expect(ms).toBeLessThan(60_000);
  });

  it("a process whose start timed out exits by itself: every connection is closed", async () => {
    const port = await freePort();
    const script = `
      import { startWebhookWorkers } from "./dist/bullmq/index.js";
      try {
        await startWebhookWorkers([{ id: "a", url: "http://127.0.0.1:9/h" }], {
          connection: "redis://127.0.0.1:${port}", connectTimeoutMs: 300, logger: null });
      } catch (error) { console.log(error.name); }`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      cwd: new URL("../..", import.meta.url),
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const [code, signal] = await once(child, "exit");
    clearTimeout(killer);
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(out.trim()).toBe("RedisConnectError");
  });

  it("starts against a running Redis and still takes the bounds", async () => {
    const workers = await startWebhookWorkers([ENDPOINT], {
      connection: redis.url,
      prefix: redis.freshPrefix(),
      connectTimeoutMs: 10_000,
      signal: new AbortController().signal,
      logger: null,
    });
    expect(workers.stats().map((s) => s.id)).toEqual(["bounded"]);
    expect(await workers.close({ deadlineMs: 1000 })).toEqual({ timedOut: false, handedBack: 0 });
  });

  it("refuses a connectTimeoutMs that is not a positive integer, and a signal that is not one", async () => {
    await expect(
      startWebhookWorkers([ENDPOINT], { connection: redis.url, connectTimeoutMs: 0 }),
    ).rejects.toThrow(/options\.connectTimeoutMs must be an integer ≥ 1/);
    await expect(
      startWebhookWorkers([ENDPOINT], { connection: redis.url, signal: {} as AbortSignal }),
    ).rejects.toThrow(/options\.signal must be an AbortSignal/);
  });
});
