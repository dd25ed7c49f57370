import { EventBus } from "@attesta/events";
import { defer, startTestReceiver } from "@attesta/test-support";
import { describe, expect, it } from "vitest";
import {
  BlockedAddressError,
  type DeadLetter,
  type DeliveryAttempt,
  WebhookBlockedAddressError,
  WebhookDispatcher,
  type WebhookDispatcherOptions,
} from "../src/index";
import { sampleData } from "./support/events";
import { type SocketTally, startSocketCounter } from "./support/socket-counter";

function dispatcherWith(options: WebhookDispatcherOptions) {
  const bus = new EventBus();
  const letters: DeadLetter[] = [];
  const attempts: DeliveryAttempt[] = [];
  const dispatcher = new WebhookDispatcher(bus, [], {
    logger: null,
    onDeadLetter: (letter) => letters.push(letter),
    onAttempt: (attempt) => attempts.push(attempt),
    ...options,
  });
  defer(() => dispatcher.close({ deadlineMs: 1000 }));
  return { bus, dispatcher, letters, attempts };
}

describe("network.denyPrivate", () => {
  it("refuses a loopback endpoint at once with blocked_address, never retried", async () => {
    const receiver = await startTestReceiver();
    const { bus, dispatcher, letters, attempts } = dispatcherWith({
      network: { denyPrivate: true },
    });
    const dead: string[] = [];
    dispatcher.events.on("delivery.dead", ({ data }) => dead.push(data.reason));
    dispatcher.addEndpoint({ url: receiver.url, retryCount: 5, retryBaseDelayMs: 1 });
    bus.emit({ type: "approved", data: sampleData("approved") });
    await dispatcher.flush();
    expect(receiver.requests).toHaveLength(0);
    expect(attempts).toHaveLength(1);
    expect(letters[0]).toMatchObject({ reason: "blocked_address", attempts: 1 });
    const error = letters[0]?.error;
    expect(error).toBeInstanceOf(WebhookBlockedAddressError);
    expect(error?.cause).toBeInstanceOf(BlockedAddressError);
    expect(error?.message).toMatch(
      /127\.0\.0\.1 is a loopback address, blocked by network\.denyPrivate/,
    );
    expect(dead).toEqual(["blocked_address"]);
    const record = dispatcher.deliveries.get(letters[0]?.deliveryId ?? "");
    expect(record?.attemptLog[0]?.errorKind).toBe("blocked_address");
  });

  it("delivers to loopback when it is allowed explicitly", async () => {
    const receiver = await startTestReceiver();
    const { bus, dispatcher, letters } = dispatcherWith({
      network: { denyPrivate: true, allow: ["127.0.0.1/32"] },
    });
    dispatcher.addEndpoint({ url: receiver.url });
    bus.emit({ type: "approved", data: sampleData("approved") });
    await dispatcher.flush();
    expect(receiver.requests).toHaveLength(1);
    expect(letters).toEqual([]);
  });

  it("judges every IPv6 form that embeds 127.0.0.1 as loopback, and connects to none", async () => {
    const receiver = await startTestReceiver();
    const port = new URL(receiver.url).port;
    const forms = [
      "::ffff:127.0.0.1", // IPv4-mapped
      "::ffff:0:127.0.0.1", // IPv4-translated, ::ffff:0:0/96
      "::127.0.0.1", // IPv4-compatible
      "64:ff9b::7f00:1", // NAT64
      "64:ff9b:1::7f00:1", // local-use NAT64
      "2002:7f00:1::1", // 6to4
      "2001:0:808:808::80ff:fffe", // Teredo, client 127.0.0.1
    ];
    const { bus, dispatcher, letters } = dispatcherWith({ network: { denyPrivate: true } });
    for (const form of forms) {
      dispatcher.addEndpoint({ url: `http://[${form}]:${port}/hook`, retryCount: 0 });
    }
    bus.emit({ type: "approved", data: sampleData("approved") });
    await dispatcher.flush();
    expect(letters).toHaveLength(forms.length);
    for (const letter of letters) {
      expect(letter.reason, letter.error?.message).toBe("blocked_address");
      expect(letter.error?.message).toMatch(
        /is a loopback address, blocked by network\.denyPrivate/,
      );
    }
    expect(receiver.requests).toHaveLength(0);
    // The mapped form really reaches the receiver on 127.0.0.1 once that address is allowed.
    const allowed = dispatcherWith({ network: { denyPrivate: true, allow: ["127.0.0.1"] } });
    allowed.dispatcher.addEndpoint({ url: `http://[::ffff:127.0.0.1]:${port}/hook` });
    allowed.bus.emit({ type: "approved", data: sampleData("approved") });
    await allowed.dispatcher.flush();
    expect(receiver.requests).toHaveLength(1);
  });

  it("refuses a misspelt network key instead of leaving the guard off", async () => {
    const receiver = await startTestReceiver();
    expect(
      () =>
        new WebhookDispatcher(new EventBus(), [{ url: receiver.url }], {
          network: { denyPrivat: true } as never,
        }),
    ).toThrow(
      /^@attesta\/webhooks: options\.network\.denyPrivat is not a known option\. Did you mean "denyPrivate"\? Fix: remove it or correct its name; the valid keys are denyPrivate, allow\.$/,
    );
    expect(receiver.requests).toHaveLength(0);
  });

  it("validates the network option", () => {
    expect(
      () => new WebhookDispatcher(new EventBus(), [], { network: { allow: ["::1/200"] } }),
    ).toThrow(
      /options\.network\.allow\[0\] must be a CIDR range, an IP address or a host name; got "::1\/200"/,
    );
  });
});

describe("shared connections", () => {
  it("keeps 50 endpoints on one origin within connectionsPerOrigin, and all deliver", async () => {
    const tally: SocketTally = { open: 0, peak: 0 };
    const server = await startSocketCounter(5, tally);
    defer(() => server.close());
    const { bus, dispatcher } = dispatcherWith({ connectionsPerOrigin: 4, maxSockets: 8 });
    for (let i = 0; i < 50; i++) dispatcher.addEndpoint({ url: `${server.origin}/ep/${i}` });
    for (let n = 0; n < 4; n++) bus.emit({ type: "approved", data: sampleData("approved", n) });
    await dispatcher.flush();
    expect(dispatcher.stats()).toMatchObject({ delivered: 200, failed: 0 });
    expect(tally.peak).toBeLessThanOrEqual(4);
    expect(dispatcher.stats().sockets).toMatchObject({ max: 8 });
    expect(dispatcher.stats().sockets?.peak).toBeLessThanOrEqual(4);
  });

  it("keeps several origins together under maxSockets", async () => {
    const tally: SocketTally = { open: 0, peak: 0 };
    const servers = await Promise.all([1, 2, 3].map(() => startSocketCounter(5, tally)));
    for (const server of servers) defer(() => server.close());
    const { bus, dispatcher } = dispatcherWith({ connectionsPerOrigin: 4, maxSockets: 5 });
    for (const server of servers) {
      for (let i = 0; i < 5; i++) dispatcher.addEndpoint({ url: `${server.origin}/ep/${i}` });
    }
    for (let n = 0; n < 4; n++) bus.emit({ type: "approved", data: sampleData("approved", n) });
    await dispatcher.flush();
    expect(dispatcher.stats()).toMatchObject({ delivered: 60, failed: 0 });
    expect(tally.peak).toBeLessThanOrEqual(5);
    await dispatcher.close();
    expect(dispatcher.stats().sockets?.open).toBe(0);
  });
});
