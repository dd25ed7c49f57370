import type { LookupAddress } from "node:dns";
import { defer, until } from "@attesta/test-support";
import { request } from "undici";
import { describe, expect, it } from "vitest";
import { type SocketCountingServer, startSocketCounter } from "../../test/support/socket-counter";
import { BlockedAddressError, isBlockedAddress } from "../errors";
import type { ResolveAll } from "./guarded-lookup";
import { SharedAgent, type SharedAgentOptions } from "./shared-agent";

async function server(): Promise<SocketCountingServer> {
  const started = await startSocketCounter();
  defer(() => started.close());
  return started;
}

function agent(options: SharedAgentOptions): SharedAgent {
  const shared = new SharedAgent(options);
  defer(() => shared.destroy());
  return shared;
}

async function post(shared: SharedAgent, url: string): Promise<number> {
  const response = await request(url, {
    method: "POST",
    body: "{}",
    dispatcher: shared.dispatcher,
  });
  await response.body.dump();
  return response.statusCode;
}

/** A resolver that answers `answers[i]` for the i-th lookup (the last one afterwards). */
function scriptedResolver(answers: string[][]): { resolve: ResolveAll; calls: string[] } {
  const calls: string[] = [];
  const resolve: ResolveAll = (hostname, _options, callback) => {
    const answer = answers[Math.min(calls.length, answers.length - 1)] as string[];
    calls.push(hostname);
    const addresses: LookupAddress[] = answer.map((address) => ({
      address,
      family: address.includes(":") ? 6 : 4,
    }));
    setImmediate(() => callback(null, addresses));
  };
  return { resolve, calls };
}

describe("SSRF guard (network.denyPrivate)", () => {
  it("refuses a loopback IP literal before connecting, with a named error", async () => {
    const target = await server();
    const shared = agent({ network: { denyPrivate: true } });
    const error = await post(shared, `${target.origin}/hook`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect(error).toMatchObject({
      kind: "blocked_address",
      code: "ERR_ATTESTA_BLOCKED_ADDRESS",
      address: "127.0.0.1",
      range: "loopback",
    });
    expect((error as Error).message).toMatch(
      /Fix: if this endpoint is trusted, add "127\.0\.0\.1"/,
    );
    expect(isBlockedAddress(new Error("wrapped", { cause: error }))).toBe(true);
    expect(target.accepted).toBe(0);
  });

  it("connects to loopback when it is allowed explicitly", async () => {
    const target = await server();
    for (const allow of [["127.0.0.1"], ["127.0.0.0/8"], ["::ffff:127.0.0.0/104"]]) {
      const shared = agent({ network: { denyPrivate: true, allow } });
      expect(await post(shared, `${target.origin}/hook`)).toBe(204);
    }
    expect(target.accepted).toBe(3);
  });

  it("checks the addresses a host name resolves to, and lets an allowed name through", async () => {
    const target = await server();
    const { resolve, calls } = scriptedResolver([["127.0.0.1"]]);
    const denied = agent({ network: { denyPrivate: true }, resolve });
    const url = `http://hooks.test:${target.port}/hook`;
    await expect(post(denied, url)).rejects.toMatchObject({
      name: "BlockedAddressError",
      hostname: "hooks.test",
      address: "127.0.0.1",
    });
    expect(calls).toEqual(["hooks.test"]);
    const allowed = agent({ network: { denyPrivate: true, allow: ["hooks.test"] }, resolve });
    expect(await post(allowed, url)).toBe(204);
    expect(target.accepted).toBe(1);
  });

  it("refuses a name when any of its addresses is blocked", async () => {
    const target = await server();
    const { resolve } = scriptedResolver([["127.0.0.1", "10.0.0.7"]]);
    const shared = agent({ network: { denyPrivate: true, allow: ["127.0.0.1"] }, resolve });
    await expect(post(shared, `http://mixed.test:${target.port}/`)).rejects.toMatchObject({
      address: "10.0.0.7",
      range: "private",
    });
    expect(target.accepted).toBe(0);
  });

  it("checks again at every new connection, so a re-pointed name (DNS rebinding) is caught", async () => {
    const target = await server();
    // First answer allowed; the name is then re-pointed at another loopback address.
    const { resolve, calls } = scriptedResolver([["127.0.0.1"], ["127.0.0.2"]]);
    const shared = agent({
      network: { denyPrivate: true, allow: ["127.0.0.1/32"] },
      resolve,
      keepAliveTimeoutMs: 1,
    });
    const url = `http://rebind.test:${target.port}/hook`;
    expect(await post(shared, url)).toBe(204);
    // Wait for the keep-alive socket to close, so the next request needs a new connection.
    await until(() => shared.openSockets === 0);
    await expect(post(shared, url)).rejects.toMatchObject({
      name: "BlockedAddressError",
      address: "127.0.0.2",
    });
    expect(calls).toEqual(["rebind.test", "rebind.test"]);
    expect(target.accepted).toBe(1);
  });

  it("refuses IPv6 literals, IPv4-mapped ones included", async () => {
    const shared = agent({ network: { denyPrivate: true } });
    for (const host of ["[::1]", "[::ffff:127.0.0.1]", "[fe80::1]"]) {
      await expect(post(shared, `http://${host}:9/`)).rejects.toBeInstanceOf(BlockedAddressError);
    }
  });

  it("does not check anything without denyPrivate", async () => {
    const target = await server();
    const shared = agent({});
    expect(await post(shared, `${target.origin}/hook`)).toBe(204);
  });
});
