import { defer, until } from "@attesta/test-support";
import { request } from "undici";
import { describe, expect, it } from "vitest";
import {
  type SocketCountingServer,
  type SocketTally,
  startSocketCounter,
} from "../../test/support/socket-counter";
import { SharedAgent, type SharedAgentOptions } from "./shared-agent";

async function servers(
  count: number,
  delayMs: number,
  tally?: SocketTally,
): Promise<SocketCountingServer[]> {
  const started = await Promise.all(
    Array.from({ length: count }, () => startSocketCounter(delayMs, tally)),
  );
  for (const server of started) defer(() => server.close());
  return started;
}

function agent(options: SharedAgentOptions): SharedAgent {
  const shared = new SharedAgent(options);
  defer(() => shared.destroy());
  return shared;
}

/** Sends `perServer` overlapping POSTs to every server and returns the statuses. */
async function burst(shared: SharedAgent, targets: SocketCountingServer[], perServer: number) {
  const sends = targets.flatMap((server) =>
    Array.from({ length: perServer }, async () => {
      const response = await request(`${server.origin}/hook`, {
        method: "POST",
        body: "{}",
        dispatcher: shared.dispatcher,
      });
      await response.body.dump();
      return response.statusCode;
    }),
  );
  return Promise.all(sends);
}

describe("SharedAgent", () => {
  it("keeps the sockets of all origins together under maxSockets", async () => {
    const tally: SocketTally = { open: 0, peak: 0 };
    const targets = await servers(3, 20, tally);
    const shared = agent({ maxSockets: 4, connectionsPerOrigin: 10 });
    const statuses = await burst(shared, targets, 20);
    expect(statuses).toEqual(new Array(60).fill(204));
    console.log(
      tally,
      targets.map((t) => [t.peak, t.accepted]),
    );
    expect(tally.peak).toBeLessThanOrEqual(4);
    expect(shared.peakSockets).toBeLessThanOrEqual(4);
    expect(shared.peakSockets).toBeGreaterThan(0);
  });

  it("opens more sockets than that when the cap allows it (the counting above can see an excess)", async () => {
    const tally: SocketTally = { open: 0, peak: 0 };
    const targets = await servers(3, 50, tally);
    const shared = agent({ maxSockets: 64, connectionsPerOrigin: 10 });
    await burst(shared, targets, 20);
    expect(tally.peak).toBeGreaterThan(4);
    expect(shared.peakSockets).toBeGreaterThan(4);
  });

  it("limits each origin to connectionsPerOrigin", async () => {
    const [target] = await servers(1, 20);
    const shared = agent({ maxSockets: 100, connectionsPerOrigin: 3 });
    await burst(shared, [target!], 30);
    expect(target!.peak).toBeLessThanOrEqual(3);
    expect(target!.answered).toBe(30);
  });

  it("closes idle sockets after keepAliveTimeoutMs and frees their slots", async () => {
    const [target] = await servers(1, 0);
    const shared = agent({ maxSockets: 8, keepAliveTimeoutMs: 100 });
    await burst(shared, [target!], 5);
    expect(target!.accepted).toBeGreaterThan(0);
    await until(() => target!.open === 0 && shared.openSockets === 0, 5000);
    expect(shared.openSockets).toBe(0);
  });

  it("releases every socket on close()", async () => {
    const [target] = await servers(1, 0);
    const shared = agent({ maxSockets: 8, keepAliveTimeoutMs: 60_000 });
    await burst(shared, [target!], 5);
    expect(shared.openSockets).toBeGreaterThan(0);
    await shared.close();
    await until(() => target!.open === 0, 5000);
    expect(shared.openSockets).toBe(0);
    await expect(burst(shared, [target!], 1)).rejects.toThrow();
  });

  it("validates its options with a fix", () => {
    expect(() => new SharedAgent({ maxSockets: 0 })).toThrow(
      /options\.maxSockets must be an integer ≥ 1; got 0\. Fix:/,
    );
    expect(() => new SharedAgent({ network: { allow: ["10.0.0.0/33"] } })).toThrow(
      /options\.network\.allow\[0\] must be a CIDR range/,
    );
  });
});
