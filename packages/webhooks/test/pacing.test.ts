import { EventBus } from "@attesta/events";
import type { Responder } from "@attesta/test-support";
import { defer, startTestReceiver, until } from "@attesta/test-support";
import { describe, expect, it } from "vitest";
import {
  type DeliveryAttempt,
  SVIX_SCHEDULE,
  type WebhookConfig,
  WebhookDispatcher,
} from "../src/index";
import { sampleData, tagOf } from "./support/events";

async function setup(responder: Responder, config: Partial<WebhookConfig>) {
  const receiver = await startTestReceiver(responder);
  const bus = new EventBus();
  const attempts: DeliveryAttempt[] = [];
  const dispatcher = new WebhookDispatcher(bus, [{ url: receiver.url, ...config }], {
    logger: null,
    onAttempt: (attempt) => attempts.push(attempt),
  });
  defer(() => dispatcher.close({ deadlineMs: 0 }));
  const emit = (count: number) => {
    for (let n = 0; n < count; n++) bus.emit({ type: "approved", data: sampleData("approved", n) });
  };
  return { receiver, dispatcher, attempts, emit };
}

describe("rate limit", () => {
  it("spaces deliveries to rateLimit per second after the burst", async () => {
    const { receiver, dispatcher, emit } = await setup((_req, res) => res.writeHead(204).end(), {
      rateLimit: 20,
      rateLimitBurst: 2,
    });
    const started = performance.now();
    emit(8);
    await dispatcher.flush();
    expect(receiver.requests).toHaveLength(8);
    // 2 at once, then 6 more at 20/s: at least 300 ms (a lower bound, so load cannot break it).
    expect(receiver.requests[7]!.at - started).toBeGreaterThanOrEqual(280);
  });
});

describe("ordered mode", () => {
  it("keeps one delivery in flight and the emit order, retries included", async () => {
    let inFlight = 0;
    let most = 0;
    const failedOnce = new Set<number>();
    const { receiver, dispatcher, emit } = await setup(
      (req, res) => {
        inFlight++;
        most = Math.max(most, inFlight);
        const tag = tagOf(req.body);
        // Every third event fails its first attempt.
        const fail = tag % 3 === 1 && !failedOnce.has(tag);
        if (fail) failedOnce.add(tag);
        setTimeout(() => {
          inFlight--;
          res.writeHead(fail ? 503 : 204).end();
        }, 2);
      },
      { ordered: true, retryCount: 2, retryBaseDelayMs: 5, retryMaxDelayMs: 10 },
    );
    emit(9);
    await dispatcher.flush();
    expect(most).toBe(1);
    const delivered = receiver.requests.map((r) => tagOf(r.body));
    expect(delivered).toEqual([0, 1, 1, 2, 3, 4, 4, 5, 6, 7, 7, 8]);
    expect(dispatcher.stats().delivered).toBe(9);
  });
});

describe("retry schedules", () => {
  it("follows an explicit array of waits", async () => {
    const { attempts, dispatcher, emit } = await setup((_req, res) => res.writeHead(500).end(), {
      retrySchedule: [10, 30, 60],
    });
    emit(1);
    await dispatcher.flush();
    expect(attempts.map((a) => a.retryInMs)).toEqual([10, 30, 60, undefined]);
  });

  it('plans the "svix" preset: 7 retries, the first in 5 s ±20%', async () => {
    const { attempts, emit } = await setup((_req, res) => res.writeHead(500).end(), {
      retrySchedule: "svix",
    });
    emit(1);
    // Bounded by 5 s: a loaded machine can take a while to connect.
    await until(() => attempts.length > 0, 5000);
    expect(attempts[0]?.willRetry).toBe(true);
    expect(attempts[0]?.retryInMs).toBeGreaterThanOrEqual(SVIX_SCHEDULE[0]! * 0.8);
    expect(attempts[0]?.retryInMs).toBeLessThanOrEqual(SVIX_SCHEDULE[0]! * 1.2);
  });

  it("waits at least retryMinDelayMs when Retry-After says 0, and overloadDelayMs after a 429", async () => {
    const { attempts, receiver, dispatcher, emit } = await setup(
      (_req, res, index) =>
        index < 2
          ? res.writeHead(index === 0 ? 503 : 429, { "retry-after": "0" }).end()
          : res.writeHead(204).end(),
      { retryCount: 3, retryBaseDelayMs: 1, retryMinDelayMs: 150, overloadDelayMs: 250 },
    );
    emit(1);
    await dispatcher.flush();
    expect(attempts.map((a) => a.retryInMs)).toEqual([150, 250, undefined]);
    expect(receiver.requests[1]!.at - receiver.requests[0]!.at).toBeGreaterThanOrEqual(140);
    expect(receiver.requests[2]!.at - receiver.requests[1]!.at).toBeGreaterThanOrEqual(240);
  });
});
