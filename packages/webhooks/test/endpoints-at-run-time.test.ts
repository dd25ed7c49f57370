import { EventBus } from "@attesta/events";
import { defer, startTestReceiver } from "@attesta/test-support";
import { describe, expect, it } from "vitest";
import { DispatcherClosedError, WebhookDispatcher } from "../src/index";
import { sampleData, tagOf } from "./support/events";

function dispatcherOn(bus = new EventBus()) {
  const dispatcher = new WebhookDispatcher(bus, [], { logger: null });
  defer(() => dispatcher.close({ deadlineMs: 1000 }));
  const seen: string[] = [];
  dispatcher.events.on("endpoint.added", ({ data }) => seen.push(`added ${data.endpointId}`));
  dispatcher.events.on("endpoint.updated", ({ data }) => seen.push(`updated ${data.endpointId}`));
  dispatcher.events.on("endpoint.removed", ({ data }) => seen.push(`removed ${data.endpointId}`));
  return { bus, dispatcher, seen };
}

describe("endpoints at run time", () => {
  it("adds an endpoint that receives the next events, and lists it without its secret", async () => {
    const receiver = await startTestReceiver();
    const { bus, dispatcher, seen } = dispatcherOn();
    bus.emit({ type: "approved", data: sampleData("approved", 0) });
    const id = dispatcher.addEndpoint({
      url: receiver.url,
      secret: "whsec_a",
      events: ["approved"],
    });
    expect(id).toMatch(/^ep_[0-9a-f]{16}$/);
    expect(dispatcher.addEndpoint({ id: "tenant-7", url: receiver.url })).toBe("tenant-7");
    bus.emit({ type: "approved", data: sampleData("approved", 1) });
    await dispatcher.flush();
    expect(receiver.requests.map((r) => tagOf(r.body))).toEqual([1, 1]);
    const listed = dispatcher.endpoints();
    expect(listed).toEqual([
      expect.objectContaining({
        id,
        events: ["approved"],
        signed: true,
        state: "enabled",
        circuit: "closed",
        pending: 0,
      }),
      expect.objectContaining({ id: "tenant-7", events: "all", signed: false }),
    ]);
    expect(JSON.stringify(listed)).not.toContain("whsec_a");
    expect(seen).toEqual([`added ${id}`, "added tenant-7"]);
  });

  it("validates added endpoints as the constructor does", () => {
    const { dispatcher } = dispatcherOn();
    expect(() => dispatcher.addEndpoint({ url: "ftp://x" })).toThrow(
      /^@attesta\/webhooks: addEndpoint\(config\)\.url must be an http: or https: URL; got "ftp:\/\/x"\. Fix:/,
    );
    expect(() => dispatcher.addEndpoint({ url: "https://a.example", timeoutMs: 0 })).toThrow(
      /addEndpoint\(config\)\.timeoutMs must be an integer ≥ 1/,
    );
    dispatcher.addEndpoint({ id: "one", url: "https://a.example" });
    expect(() => dispatcher.addEndpoint({ id: "one", url: "https://b.example" })).toThrow(
      /addEndpoint\(config\)\.id "one" is already the id of an endpoint\. Fix: .*updateEndpoint\("one", patch\)/,
    );
    expect(dispatcher.endpoints()).toHaveLength(1);
  });

  it("updates an endpoint in place: new URL and filter, same id and counters", async () => {
    const first = await startTestReceiver();
    const second = await startTestReceiver();
    const { bus, dispatcher, seen } = dispatcherOn();
    const id = dispatcher.addEndpoint({ url: first.url, secret: "whsec_a" });
    bus.emit({ type: "approved", data: sampleData("approved", 1) });
    await dispatcher.flush();
    dispatcher.updateEndpoint(id, { url: second.url, events: ["denied"] });
    bus.emit({ type: "approved", data: sampleData("approved", 2) });
    bus.emit({ type: "denied", data: sampleData("denied", 3) });
    await dispatcher.flush();
    expect(first.requests.map((r) => tagOf(r.body))).toEqual([1]);
    expect(second.requests.map((r) => tagOf(r.body))).toEqual([3]);
    // The secret was kept from the original config.
    expect(second.requests[0]?.headers["x-attesta-signature"]).toMatch(/^sha256=/);
    expect(dispatcher.stats().endpoints[0]).toMatchObject({ id, delivered: 2 });
    expect(seen).toContain(`updated ${id}`);
    expect(() => dispatcher.updateEndpoint(id, { id: "other" })).toThrow(/ids cannot change/);
    expect(() => dispatcher.updateEndpoint("nope", { url: second.url })).toThrow(
      /updateEndpoint\(id\) must be the id of an endpoint; got "nope"\. Fix: use an id from endpoints\(\)/,
    );
    expect(() => dispatcher.updateEndpoint(id, { concurrency: -1 })).toThrow(
      /updateEndpoint\("[^"]+", patch\)\.concurrency must be an integer ≥ 1/,
    );
    dispatcher.updateEndpoint(id, { secret: undefined });
    expect(dispatcher.endpoints()[0]?.signed).toBe(false);
  });

  it("removes an endpoint after draining what it is owed", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const receiver = await startTestReceiver(
      (_req, res) => void gate.then(() => res.writeHead(204).end()),
    );
    const { bus, dispatcher, seen } = dispatcherOn();
    const id = dispatcher.addEndpoint({ url: receiver.url });
    for (let n = 0; n < 3; n++) bus.emit({ type: "approved", data: sampleData("approved", n) });
    await receiver.waitForRequests(1);
    const removed = dispatcher.removeEndpoint(id);
    bus.emit({ type: "approved", data: sampleData("approved", 9) });
    release();
    await expect(removed).resolves.toEqual({ abandoned: 0 });
    expect(receiver.requests.map((r) => tagOf(r.body)).sort()).toEqual([0, 1, 2]);
    expect(dispatcher.endpoints()).toEqual([]);
    expect(seen).toContain(`removed ${id}`);
  });

  it("removes an endpoint at once with drain: false, dead-lettering what it is owed", async () => {
    const receiver = await startTestReceiver(() => {});
    const { bus, dispatcher } = dispatcherOn();
    const dead: string[] = [];
    dispatcher.events.on("delivery.dead", ({ data }) => dead.push(data.reason));
    const id = dispatcher.addEndpoint({ url: receiver.url, concurrency: 1, timeoutMs: 60_000 });
    for (let n = 0; n < 3; n++) bus.emit({ type: "approved", data: sampleData("approved", n) });
    await receiver.waitForRequests(1);
    const { abandoned } = await dispatcher.removeEndpoint(id, { drain: false });
    expect(abandoned).toBe(2);
    expect(dead.filter((reason) => reason === "removed")).toHaveLength(2);
    expect(dispatcher.endpoints()).toEqual([]);
  });

  it("refuses endpoint changes after close()", async () => {
    const { dispatcher } = dispatcherOn();
    await dispatcher.close();
    expect(() => dispatcher.addEndpoint({ url: "https://a.example" })).toThrow(
      DispatcherClosedError,
    );
  });
});
