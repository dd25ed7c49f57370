/**
 * Which addresses a dispatcher may connect to: the `network` option's
 * `denyPrivate` block list and its `allow` exceptions.
 *
 * @module
 */
import { isIP } from "node:net";
import { invalidOption } from "../options/invalid-option";
import { assertKnownKeys } from "../options/strict-options";
import { type IpRange, inRange, ipToBigInt, parseCidr } from "./ip-address";

/**
 * The `network` option: an SSRF guard for senders whose endpoint URLs come
 * from their own customers.
 *
 * @example
 * ```ts
 * const network: NetworkOptions = { denyPrivate: true, allow: ["10.1.2.0/24", "hooks.internal"] };
 * ```
 */
export interface NetworkOptions {
  /**
   * Refuse to connect to private, loopback, link-local, shared (CGNAT),
   * multicast, documentation and reserved addresses, IPv4 and IPv6 (see
   * {@link BLOCKED_RANGES}). Every address a host name resolves to is checked
   * when the connection is made, so a name re-pointed after validation (DNS
   * rebinding) is caught too. Default `false`.
   */
  readonly denyPrivate?: boolean;
  /** Exceptions: CIDR ranges (`"10.0.0.0/8"`), single addresses, or exact host names. */
  readonly allow?: readonly string[];
}

/** A blocked range and what it is, for error messages. */
interface BlockedRange extends IpRange {
  readonly label: string;
}

function range(cidr: string, label: string): BlockedRange {
  return { ...(parseCidr(cidr) as IpRange), label };
}

/**
 * Ranges refused by `denyPrivate`. It follows the list Svix's webhook
 * sender refuses (Rust's `Ipv4Addr`/`Ipv6Addr` non-global ranges), plus IPv4
 * multicast, site-local and the discard prefix; an IPv6 address that embeds
 * an IPv4 one (see `embeddedV4`) is judged as that IPv4 address.
 */
export const BLOCKED_RANGES: readonly BlockedRange[] = [
  range("0.0.0.0/8", "this-network"),
  range("10.0.0.0/8", "private"),
  range("100.64.0.0/10", "shared (CGNAT)"),
  range("127.0.0.0/8", "loopback"),
  range("169.254.0.0/16", "link-local"),
  range("172.16.0.0/12", "private"),
  range("192.0.0.0/24", "IETF protocol assignments"),
  range("192.0.2.0/24", "documentation"),
  range("192.168.0.0/16", "private"),
  range("198.18.0.0/15", "benchmarking"),
  range("198.51.100.0/24", "documentation"),
  range("203.0.113.0/24", "documentation"),
  range("224.0.0.0/4", "multicast"),
  range("240.0.0.0/4", "reserved"),
  range("::/127", "unspecified or loopback"),
  range("100::/64", "discard-only"),
  range("2001:db8::/32", "documentation"),
  range("fc00::/7", "unique local"),
  range("fe80::/10", "link-local"),
  range("fec0::/10", "site-local"),
  range("ff00::/8", "multicast"),
];

const NAT64 = parseCidr("64:ff9b::/96") as IpRange;
const NAT64_LOCAL = parseCidr("64:ff9b:1::/48") as IpRange;
const SIX_TO_FOUR = parseCidr("2002::/16") as IpRange;
const TEREDO = parseCidr("2001::/32") as IpRange;
const V4_MAPPED = 0xffffn << 32n;
const LOW_32 = 0xffffffffn;

/**
 * The IPv4 addresses (as IPv4-mapped values) an IPv6 address carries, so
 * that it is judged like them: IPv4-mapped `::ffff:0:0/96`, IPv4-translated
 * `::ffff:0:0:0/96`, IPv4-compatible `::a.b.c.d` (not `::` or `::1`), NAT64
 * `64:ff9b::/96` and `64:ff9b:1::/48`, 6to4 `2002::/16`, and Teredo
 * `2001::/32` (its server and its obfuscated client address). Empty for any
 * other address.
 */
function embeddedV4(value: bigint): bigint[] {
  const high = value >> 32n;
  const low = value & LOW_32;
  if (high === 0xffffn || high === 0xffff0000n) return [V4_MAPPED | low];
  if (high === 0n) return value > 1n ? [V4_MAPPED | low] : [];
  if (inRange(value, NAT64) || inRange(value, NAT64_LOCAL)) return [V4_MAPPED | low];
  if (inRange(value, SIX_TO_FOUR)) return [V4_MAPPED | ((value >> 80n) & LOW_32)];
  if (inRange(value, TEREDO)) {
    return [V4_MAPPED | ((value >> 64n) & LOW_32), V4_MAPPED | (~low & LOW_32)];
  }
  return [];
}

/**
 * Decides, per host name and per resolved address, whether a connection may
 * be made. Built once per dispatcher from {@link NetworkOptions}.
 *
 * @example
 * ```ts
 * const policy = new AddressPolicy({ denyPrivate: true, allow: ["127.0.0.1"] });
 * policy.blockedRange("127.0.0.1"); // undefined: allowed explicitly
 * policy.blockedRange("10.0.0.1"); // "private"
 * ```
 */
export class AddressPolicy {
  readonly denyPrivate: boolean;
  private readonly allowedRanges: IpRange[] = [];
  private readonly allowedHosts = new Set<string>();

  constructor(options: NetworkOptions = {}, at = "options.network") {
    if (typeof options !== "object" || options === null || Array.isArray(options)) {
      throw invalidOption(at, "an object", options, "pass { denyPrivate: true, allow: [...] }");
    }
    assertKnownKeys(options, ["denyPrivate", "allow"], at);
    const { denyPrivate = false, allow = [] } = options;
    if (typeof denyPrivate !== "boolean") {
      throw invalidOption(`${at}.denyPrivate`, "a boolean", denyPrivate, "pass true or false");
    }
    if (!Array.isArray(allow)) {
      throw invalidOption(`${at}.allow`, "an array of strings", allow, 'pass e.g. ["10.0.0.0/8"]');
    }
    this.denyPrivate = denyPrivate;
    for (const [index, entry] of allow.entries()) this.addAllowed(entry, `${at}.allow[${index}]`);
  }

  /** Whether connections to `hostname` skip the address check (an exact `allow` host name). */
  allowsHost(hostname: string): boolean {
    return this.allowedHosts.has(hostname.toLowerCase());
  }

  /**
   * The label of the blocked range `address` falls in, or `undefined` when a
   * connection to it is allowed.
   */
  blockedRange(address: string): string | undefined {
    if (!this.denyPrivate) return undefined;
    const value = ipToBigInt(address);
    // Not an address at all: nothing to connect to, so nothing to let through.
    if (value === undefined) return "not an IP address";
    if (this.allowedRanges.some((allowed) => inRange(value, allowed))) return undefined;
    const carried = embeddedV4(value);
    if (carried.length === 0)
      return BLOCKED_RANGES.find((blocked) => inRange(value, blocked))?.label;
    // Judged like the IPv4 address(es) it carries: allowed only if each one is.
    for (const v4 of carried) {
      if (this.allowedRanges.some((allowed) => inRange(v4, allowed))) continue;
      const label = BLOCKED_RANGES.find((blocked) => inRange(v4, blocked))?.label;
      if (label !== undefined) return label;
    }
    return undefined;
  }

  private addAllowed(entry: unknown, at: string): void {
    const fix = 'pass a CIDR range ("10.0.0.0/8"), an address ("127.0.0.1") or a host name';
    if (typeof entry !== "string" || entry.trim() === "") {
      throw invalidOption(at, "a non-empty string", entry, fix);
    }
    const text = entry.trim();
    const cidr = parseCidr(text);
    if (cidr !== undefined) {
      this.allowedRanges.push(cidr);
      return;
    }
    const bare = text.split("/")[0] as string;
    if (text.includes("/") || isIP(bare) !== 0 || !/^[a-z0-9.-]+$/i.test(text)) {
      throw invalidOption(at, "a CIDR range, an IP address or a host name", entry, fix);
    }
    this.allowedHosts.add(text.toLowerCase());
  }
}
