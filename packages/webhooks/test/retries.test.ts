import { EventBus } from "@attesta/events";
import { deadUrl, defer, type Responder, startTestReceiver } from "@attesta/test-support";
import { describe, expect, it } from "vitest";
import {
  type DeadLetter,
  type DeliveryAttempt,
  type WebhookConfig,
  WebhookConnectionError,
  WebhookDispatcher,
  WebhookResponseError,
  WebhookTimeoutError,
} from "../src/index";
import { sampleData } from "./support/events";

// No floors on the waits: these tests are about which failures are retried, not about pacing.
const fast = {
  retryBaseDelayMs: 5,
  retryMaxDelayMs: 20,
  retryMinDelayMs: 0,
  overloadDelayMs: 0,
} satisfies Partial<WebhookConfig>;

async function run(responder: Responder, config: Partial<WebhookConfig>, url?: string) {
  const receiver = await startTestReceiver(responder);
  const attempts: DeliveryAttempt[] = [];
  const letters: DeadLetter[] = [];
  const bus = new EventBus();
  const dispatcher = new WebhookDispatcher(
    bus,
    [{ url: url ?? receiver.url, ...fast, ...config }],
    {
      logger: null,
      onAttempt: (attempt) => attempts.push(attempt),
      onDeadLetter: (letter) => letters.push(letter),
    },
  );
  defer(() => dispatcher.close({ deadlineMs: 1000 }));
  bus.emit({ type: "approved", data: sampleData("approved") });
  await dispatcher.flush();
  return { receiver, attempts, letters, dispatcher };
}

const status =
  (code: number, headers: Record<string, string> = {}): Responder =>
  (_req, res) => {
    res.writeHead(code, headers).end("nope");
  };

describe("retryCount", () => {
  for (const retryCount of [0, 1, 3]) {
    it(`makes exactly ${retryCount + 1} attempt(s) against a failing endpoint with retryCount ${retryCount}`, async () => {
      const { receiver, attempts, letters } = await run(status(500), { retryCount });
      expect(receiver.requests).toHaveLength(retryCount + 1);
      expect(attempts.map((a) => a.attempt)).toEqual(
        Array.from({ length: retryCount + 1 }, (_, i) => i + 1),
      );
      expect(attempts.map((a) => a.willRetry)).toEqual(
        Array.from({ length: retryCount + 1 }, (_, i) => i < retryCount),
      );
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({
        reason: "exhausted",
        attempts: retryCount + 1,
        status: 500,
      });
      expect(letters[0]?.error).toBeInstanceOf(WebhookResponseError);
    });
  }

  it("defaults to one retry", async () => {
    const receiver = await startTestReceiver(status(503));
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(bus, [{ url: receiver.url, retryBaseDelayMs: 1 }], {
      logger: null,
      onDeadLetter: () => {},
    });
    defer(() => dispatcher.close());
    bus.emit({ type: "approved", data: sampleData("approved") });
    await dispatcher.flush();
    expect(receiver.requests).toHaveLength(2);
  });

  it("keeps the delivery id across retries", async () => {
    const { receiver } = await run(status(502), { retryCount: 2 });
    const ids = new Set(receiver.requests.map((r) => r.headers["x-attesta-delivery"]));
    expect(receiver.requests).toHaveLength(3);
    expect(ids.size).toBe(1);
    expect(new Set(receiver.requests.map((r) => r.body.toString())).size).toBe(1);
  });

  it("stops retrying once an attempt succeeds", async () => {
    const { receiver, attempts, letters, dispatcher } = await run(
      (_req, res, index) => res.writeHead(index < 2 ? 500 : 200).end(),
      { retryCount: 5 },
    );
    expect(receiver.requests).toHaveLength(3);
    expect(attempts.map((a) => a.ok)).toEqual([false, false, true]);
    expect(letters).toEqual([]);
    expect(dispatcher.stats()).toMatchObject({ delivered: 1, failed: 0, attempts: 3, retries: 2 });
  });
});

describe("which failures are retried", () => {
  for (const code of [408, 429, 500, 502, 503, 504]) {
    it(`retries HTTP ${code}`, async () => {
      const { receiver, letters } = await run(status(code), { retryCount: 1 });
      expect(receiver.requests).toHaveLength(2);
      expect(letters[0]).toMatchObject({ reason: "exhausted", status: code });
    });
  }

  for (const code of [400, 401, 403, 404, 410, 422]) {
    it(`does not retry HTTP ${code} and dead-letters it as rejected`, async () => {
      const { receiver, letters, attempts } = await run(status(code), { retryCount: 3 });
      expect(receiver.requests).toHaveLength(1);
      expect(attempts[0]).toMatchObject({ ok: false, status: code, willRetry: false });
      expect(letters[0]).toMatchObject({ reason: "rejected", status: code, attempts: 1 });
      expect((letters[0]?.error as WebhookResponseError | undefined)?.retryable).toBe(false);
    });
  }

  it("does not follow a redirect and counts it as a failed attempt", async () => {
    const { receiver, letters } = await run(
      (req, res) => {
        if (req.path === "/hook") res.writeHead(307, { location: "/elsewhere" }).end();
        else res.writeHead(200).end();
      },
      { retryCount: 1 },
    );
    expect(receiver.requests.map((r) => r.path)).toEqual(["/hook", "/hook"]);
    expect(letters[0]).toMatchObject({ reason: "exhausted", status: 307 });
  });

  it("retries a connection reset and then delivers", async () => {
    const { receiver, attempts, letters } = await run(
      (_req, res, index) => {
        if (index === 0) res.socket?.destroy();
        else res.writeHead(200).end();
      },
      { retryCount: 1 },
    );
    expect(receiver.requests).toHaveLength(2);
    expect(attempts[0]?.error).toBeInstanceOf(WebhookConnectionError);
    expect(attempts[0]?.status).toBeUndefined();
    expect(attempts[1]).toMatchObject({ ok: true, status: 200 });
    expect(letters).toEqual([]);
  });

  it("retries a refused connection, then dead-letters it with the cause", async () => {
    const { letters, attempts } = await run(status(200), { retryCount: 2 }, await deadUrl());
    expect(attempts).toHaveLength(3);
    expect(letters[0]?.error).toBeInstanceOf(WebhookConnectionError);
    expect((letters[0]?.error?.cause as { code?: string } | undefined)?.code).toBe("ECONNREFUSED");
  });
});

describe("timeouts", () => {
  it("aborts an endpoint that never answers at timeoutMs", async () => {
    const started = performance.now();
    const { receiver, attempts, letters } = await run(() => {}, { timeoutMs: 100, retryCount: 1 });
    expect(receiver.requests).toHaveLength(2);
    expect(attempts.map((a) => a.error)).toEqual([
      expect.any(WebhookTimeoutError),
      expect.any(WebhookTimeoutError),
    ]);
    for (const attempt of attempts) expect(attempt.durationMs).toBeGreaterThanOrEqual(95);
    expect(letters[0]).toMatchObject({ reason: "exhausted", attempts: 2 });
    // Generous upper bound: the point is that the dispatcher did not wait for the socket.
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it("counts the response body in the timeout", async () => {
    const { attempts } = await run(
      (_req, res) => {
        res.writeHead(200, { "content-type": "text/plain" });
        res.write("partial");
      },
      { timeoutMs: 100, retryCount: 0 },
    );
    expect(attempts[0]?.ok).toBe(false);
    expect(attempts[0]?.error).toBeInstanceOf(WebhookTimeoutError);
  });

  it("drops the connection instead of reading a response body beyond the cap", async () => {
    let bytesWritten = 0;
    let finished = false;
    const { attempts, receiver } = await run(
      (_req, res) => {
        res.writeHead(200, { "content-type": "application/octet-stream" });
        const chunk = Buffer.alloc(64 * 1024, 120);
        // Bounded: at most 32 MiB, stops as soon as the client goes away.
        const pump = () => {
          while (bytesWritten < 32 * 1024 * 1024 && !res.destroyed) {
            bytesWritten += chunk.length;
            if (!res.write(chunk)) return void res.once("drain", pump);
          }
          finished = !res.destroyed;
          res.end();
        };
        pump();
      },
      { timeoutMs: 5000, retryCount: 0 },
    );
    expect(receiver.requests).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ ok: true, status: 200 });
    expect(finished).toBe(false);
    expect(bytesWritten).toBeLessThan(32 * 1024 * 1024);
  });
});

describe("backoff and Retry-After", () => {
  it("waits an exponentially growing, jittered delay between attempts", async () => {
    const { receiver, attempts } = await run(status(500), {
      retryCount: 3,
      retryBaseDelayMs: 40,
      retryMaxDelayMs: 10_000,
    });
    const delays = attempts.slice(0, 3).map((a) => a.retryInMs ?? -1);
    // Retry n waits within [base*2^(n-1)/2, base*2^(n-1)].
    expect(delays[0]).toBeGreaterThanOrEqual(20);
    expect(delays[0]).toBeLessThanOrEqual(40);
    expect(delays[1]).toBeGreaterThanOrEqual(40);
    expect(delays[1]).toBeLessThanOrEqual(80);
    expect(delays[2]).toBeGreaterThanOrEqual(80);
    expect(delays[2]).toBeLessThanOrEqual(160);
    const at = receiver.requests.map((r) => r.at);
    for (let i = 1; i < at.length; i++) {
      // Timers never fire early by more than a millisecond; no upper bound on a busy machine.
      expect((at[i] ?? 0) - (at[i - 1] ?? 0)).toBeGreaterThanOrEqual((delays[i - 1] ?? 0) - 2);
    }
  });

  it("caps the backoff at retryMaxDelayMs", async () => {
    const { attempts } = await run(status(500), {
      retryCount: 4,
      retryBaseDelayMs: 1000,
      retryMaxDelayMs: 30,
    });
    for (const attempt of attempts.slice(0, 4)) expect(attempt.retryInMs).toBeLessThanOrEqual(30);
  });

  it("honours Retry-After in seconds", async () => {
    const { receiver, attempts } = await run(
      (_req, res, index) =>
        index === 0 ? res.writeHead(429, { "retry-after": "1" }).end() : res.writeHead(200).end(),
      { retryCount: 1, retryBaseDelayMs: 1, retryMaxDelayMs: 60_000 },
    );
    expect(attempts[0]?.retryInMs).toBe(1000);
    const gap = (receiver.requests[1]?.at ?? 0) - (receiver.requests[0]?.at ?? 0);
    expect(gap).toBeGreaterThanOrEqual(990);
    expect(attempts[1]?.ok).toBe(true);
  });

  it("honours Retry-After as an HTTP date", async () => {
    const { attempts } = await run(
      (_req, res, index) =>
        index === 0
          ? res.writeHead(503, { "retry-after": new Date(Date.now() + 3000).toUTCString() }).end()
          : res.writeHead(200).end(),
      { retryCount: 1, retryBaseDelayMs: 1, retryMaxDelayMs: 400 },
    );
    // The date is ~2-3 s away (second precision), so the cap of 400 ms applies.
    expect(attempts[0]?.retryInMs).toBe(400);
    expect(attempts[1]?.ok).toBe(true);
  });

  it("caps Retry-After at retryMaxDelayMs", async () => {
    const { attempts } = await run(
      (_req, res, index) =>
        index === 0
          ? res.writeHead(429, { "retry-after": "3600" }).end()
          : res.writeHead(200).end(),
      { retryCount: 1, retryBaseDelayMs: 1, retryMaxDelayMs: 50 },
    );
    expect(attempts[0]?.retryInMs).toBe(50);
    expect(attempts[1]?.ok).toBe(true);
  });
});
