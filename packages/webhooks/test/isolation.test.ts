import { EventBus } from "@attesta/events";
import { deadUrl, startTestReceiver, until } from "@attesta/test-support";
import { describe, expect, it } from "vitest";
import { type DeadLetter, WebhookDispatcher } from "../src/index";
import { sampleData, tagOf } from "./support/events";

describe("several endpoints", () => {
  it("delivers to healthy endpoints while one refuses connections and another hangs", async () => {
    const healthy = await startTestReceiver();
    const hanging = await startTestReceiver(() => {});
    const dead = await deadUrl();
    const letters: DeadLetter[] = [];
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(
      bus,
      [
        { url: dead, retryCount: 3, retryBaseDelayMs: 200 },
        { url: hanging.url, timeoutMs: 30_000, concurrency: 2 },
        { url: healthy.url },
      ],
      { logger: null, onDeadLetter: (letter) => letters.push(letter) },
    );
    for (let n = 0; n < 50; n++)
      bus.emit({ type: "audit_logged", data: sampleData("audit_logged", n) });
    await until(() => (dispatcher.stats().endpoints[2]?.delivered ?? 0) === 50);

    expect(healthy.requests.map((r) => tagOf(r.body)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, n) => n),
    );
    const [deadStats, hangingStats, healthyStats] = dispatcher.stats().endpoints;
    expect(healthyStats).toMatchObject({ delivered: 50, queued: 0 });
    expect(hangingStats).toMatchObject({ delivered: 0, inFlight: 2, queued: 48 });
    expect(deadStats?.delivered).toBe(0);

    const report = await dispatcher.close({ deadlineMs: 100 });
    const undeliveredByEndpoint = (index: number) =>
      report.undelivered.filter((letter) => letter.endpointIndex === index).length;
    expect(undeliveredByEndpoint(0)).toBe(50);
    expect(undeliveredByEndpoint(1)).toBe(50);
    expect(undeliveredByEndpoint(2)).toBe(0);
    expect(letters).toHaveLength(100);
  });
});
