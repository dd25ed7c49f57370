import { describe, expect, it } from "vitest";
import { AddressPolicy } from "./address-policy";

const deny = new AddressPolicy({ denyPrivate: true });

describe("AddressPolicy", () => {
  it.each([
    ["0.1.2.3", "this-network"],
    ["10.254.0.0", "private"],
    ["172.16.10.65", "private"],
    ["192.168.10.65", "private"],
    ["127.0.0.1", "loopback"],
    ["169.254.169.254", "link-local"],
    ["100.100.0.0", "shared (CGNAT)"],
    ["192.0.0.255", "IETF protocol assignments"],
    ["192.0.2.255", "documentation"],
    ["198.51.100.65", "documentation"],
    ["203.0.113.6", "documentation"],
    ["198.18.0.0", "benchmarking"],
    ["224.0.0.251", "multicast"],
    ["250.10.20.30", "reserved"],
    ["255.255.255.255", "reserved"],
    ["::", "unspecified or loopback"],
    ["::1", "unspecified or loopback"],
    ["fe80::1%eth0", "link-local"],
    ["fd12:3456::1", "unique local"],
    ["ff02::1", "multicast"],
    ["2001:db8::1", "documentation"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:10.0.0.1", "private"],
    ["64:ff9b::a9fe:a9fe", "link-local"],
    ["2002:c0a8:0101::1", "private"],
    ["::ffff:0:127.0.0.1", "loopback"],
    ["::ffff:0:a00:1", "private"],
    ["::127.0.0.1", "loopback"],
    ["::192.168.1.1", "private"],
    ["64:ff9b:1::7f00:1", "loopback"],
    ["2002:7f00:1::1", "loopback"],
    ["2001:0:808:808::80ff:fffe", "loopback"],
    ["2001:0:7f00:1::f7f7:f7f7", "loopback"],
  ])("blocks %s (%s)", (address, range) => {
    expect(deny.blockedRange(address)).toBe(range);
  });

  it.each([
    "1.1.1.1",
    "8.8.8.8",
    "100.128.0.1",
    "172.32.0.1",
    "2001:4860:4860::8888",
    "::ffff:8.8.8.8",
    "2002:0808:0808::1",
    "::ffff:0:8.8.8.8",
    "::8.8.8.8",
    "64:ff9b:1::808:808",
    "2001:0:808:808::f7f7:f7f7",
  ])("lets the public address %s through", (address) => {
    expect(deny.blockedRange(address)).toBeUndefined();
  });

  it("blocks nothing without denyPrivate", () => {
    expect(new AddressPolicy({}).blockedRange("127.0.0.1")).toBeUndefined();
    expect(new AddressPolicy().blockedRange("10.0.0.1")).toBeUndefined();
  });

  it("lets allowed ranges, addresses and host names through, and only those", () => {
    const policy = new AddressPolicy({
      denyPrivate: true,
      allow: ["10.1.0.0/16", "127.0.0.1", "::1", "Hooks.Internal"],
    });
    expect(policy.blockedRange("10.1.2.3")).toBeUndefined();
    expect(policy.blockedRange("10.2.0.1")).toBe("private");
    expect(policy.blockedRange("127.0.0.1")).toBeUndefined();
    expect(policy.blockedRange("::ffff:127.0.0.1")).toBeUndefined();
    expect(policy.blockedRange("127.0.0.2")).toBe("loopback");
    expect(policy.blockedRange("::1")).toBeUndefined();
    expect(policy.allowsHost("hooks.internal")).toBe(true);
    expect(policy.allowsHost("other.internal")).toBe(false);
  });

  it("refuses bad options with the path and a fix", () => {
    expect(() => new AddressPolicy({ denyPrivate: "yes" as unknown as boolean })).toThrow(
      /options\.network\.denyPrivate must be a boolean; got "yes"\. Fix:/,
    );
    expect(() => new AddressPolicy({ allow: "10.0.0.0/8" as unknown as string[] })).toThrow(
      /options\.network\.allow must be an array of strings/,
    );
    expect(() => new AddressPolicy({ allow: ["10.0.0.0/40"] })).toThrow(
      /options\.network\.allow\[0\] must be a CIDR range, an IP address or a host name; got "10\.0\.0\.0\/40"/,
    );
    expect(() => new AddressPolicy({ allow: ["http://x"] })).toThrow(/allow\[0\]/);
    expect(() => new AddressPolicy({ allow: [""] })).toThrow(/must be a non-empty string/);
  });
});
