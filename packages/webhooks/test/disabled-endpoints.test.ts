import { EventBus } from "@attesta/events";
import type { Responder } from "@attesta/test-support";
import { defer, startTestReceiver, until, within } from "@attesta/test-support";
import { describe, expect, it } from "vitest";
import { type DeadLetter, type WebhookConfig, WebhookDispatcher } from "../src/index";
import { sampleData, tagOf } from "./support/events";

// `within`: a flush() or close() that never settles, the bug this file guards, fails instead of hanging.
async function setup(responder: Responder, configs: (url: string) => WebhookConfig[]) {
  const receiver = await startTestReceiver(responder);
  const bus = new EventBus();
  const letters: DeadLetter[] = [];
  const dispatcher = new WebhookDispatcher(bus, configs(receiver.url), {
    logger: null,
    onDeadLetter: (letter) => letters.push(letter),
  });
  defer(() => dispatcher.close({ deadlineMs: 0 }));
  const emit = (count: number, from = 0) => {
    for (let n = from; n < from + count; n++) {
      bus.emit({ type: "approved", data: sampleData("approved", n) });
    }
  };
  return { receiver, dispatcher, letters, emit };
}

describe("disabled endpoints and the memory store", () => {
  it("close() without a deadline does not wait for a disabled endpoint, and reports its deliveries as undelivered (disabled)", async () => {
    const { receiver, dispatcher, letters, emit } = await setup(
      (_req, res) => res.writeHead(204).end(),
      (url) => [
        { id: "live", url },
        { id: "off", url: `${url}?off` },
      ],
    );
    dispatcher.disableEndpoint("off");
    emit(3);
    await dispatcher.flush();
    expect(receiver.requests.map((r) => r.path)).toEqual(["/hook", "/hook", "/hook"]);

    const report = await within(dispatcher.close());
    expect(report.timedOut).toBe(false);
    expect(report.kept).toBe(0);
    expect(
      report.undelivered.map((l) => [
        l.endpointId,
        l.reason,
        tagOf(Buffer.from(JSON.stringify(l.payload))),
      ]),
    ).toEqual([
      ["off", "disabled", 0],
      ["off", "disabled", 1],
      ["off", "disabled", 2],
    ]);
    expect(letters.map((l) => l.deliveryId)).toEqual(report.undelivered.map((l) => l.deliveryId));
    expect(report.stats).toMatchObject({ delivered: 3, failed: 3, queued: 0 });
  });

  it("close() at its deadline gives up on the enabled endpoint as closed and on the disabled one as disabled", async () => {
    const { receiver, dispatcher, emit } = await setup(
      // The live endpoint never answers: only the deadline ends its attempt.
      (req, res) => (req.path.endsWith("?off") ? res.writeHead(204).end() : undefined),
      (url) => [
        { id: "live", url },
        { id: "off", url: `${url}?off` },
      ],
    );
    dispatcher.disableEndpoint("off");
    emit(1);
    await receiver.waitForRequests(1);
    const report = await within(dispatcher.close({ deadlineMs: 100 }));
    expect(report.timedOut).toBe(true);
    expect(report.kept).toBe(0);
    expect(report.undelivered.map((l) => `${l.endpointId} ${l.reason}`).sort()).toEqual([
      "live closed",
      "off disabled",
    ]);
  });

  it("a 410 Gone during close() disables the endpoint; close() then stops waiting for its queue", async () => {
    const { receiver, dispatcher, emit } = await setup(
      (req, res) => res.writeHead(req.path.endsWith("?gone") ? 410 : 204).end(),
      (url) => [
        { id: "live", url },
        { id: "gone", url: `${url}?gone`, concurrency: 1 },
      ],
    );
    emit(4);
    const report = await within(dispatcher.close());
    expect(receiver.requests.filter((r) => r.path.endsWith("?gone"))).toHaveLength(1);
    expect(dispatcher.endpoints().find((e) => e.id === "gone")).toMatchObject({
      state: "disabled",
      disabledReason: "gone",
    });
    expect(report.undelivered.map((l) => `${l.endpointId} ${l.reason}`)).toEqual([
      "gone rejected",
      "gone disabled",
      "gone disabled",
      "gone disabled",
    ]);
    expect(report).toMatchObject({ kept: 0, timedOut: false, stats: { delivered: 4 } });
  });

  it("wakes a waiting flush() when the endpoint it waits for is disabled", async () => {
    const { receiver, dispatcher, emit } = await setup(
      (_req, res) => res.writeHead(503).end(),
      (url) => [{ id: "slow", url, retryCount: 5, retryBaseDelayMs: 60_000 }],
    );
    emit(2);
    let flushed = false;
    const flush = dispatcher.flush().then(() => {
      flushed = true;
    });
    await receiver.waitForRequests(2);
    // The 503s come back over loopback within milliseconds and flush() checks
    // again as each attempt ends: a flush() that wrongly stopped waiting for
    // retries a minute away would have resolved well within 50 ms.
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Both wait a minute for their retry: flush() is still waiting.
    expect(flushed).toBe(false);
    dispatcher.disableEndpoint("slow");
    await within(flush);
    expect(dispatcher.endpoints()[0]).toMatchObject({ state: "disabled", pending: 2 });
    expect(dispatcher.endpoints()[0]?.disabledSince).toBeTypeOf("number");
  });

  it("a draining removeEndpoint() stops waiting once the endpoint answers 410 Gone", async () => {
    let gone = false;
    const { dispatcher, emit, receiver } = await setup(
      (_req, res) => res.writeHead(gone ? 410 : 503).end(),
      (url) => [{ id: "t", url, concurrency: 1, retryCount: 5, retryBaseDelayMs: 100 }],
    );
    emit(3);
    await receiver.waitForRequests(1);
    gone = true;
    const { abandoned } = await within(dispatcher.removeEndpoint("t"));
    expect(abandoned).toBeGreaterThan(0);
    expect(dispatcher.endpoints()).toEqual([]);
  });
});

describe("enableEndpoint after a disable", () => {
  it("sends what was kept, and flush() waits for it again", async () => {
    const { receiver, dispatcher, emit } = await setup(
      (_req, res) => res.writeHead(204).end(),
      (url) => [{ id: "t", url }],
    );
    dispatcher.disableEndpoint("t");
    emit(2);
    await within(dispatcher.flush());
    expect(receiver.requests).toHaveLength(0);
    expect(dispatcher.enableEndpoint("t")).toBe(true);
    await within(dispatcher.flush());
    expect(receiver.requests.map((r) => tagOf(r.body))).toEqual([0, 1]);
    await until(() => dispatcher.stats().delivered === 2);
  });
});
