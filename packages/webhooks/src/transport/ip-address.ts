/**
 * IP addresses and CIDR ranges as 128-bit integers, so IPv4 and IPv6 share
 * one comparison (IPv4 lives in the IPv4-mapped block `::ffff:0:0/96`).
 *
 * @module
 */
import { isIPv4, isIPv6 } from "node:net";

/** An address or range in IPv6 space: IPv4 `a.b.c.d` is stored as `::ffff:a.b.c.d`. */
export interface IpRange {
  /** First address of the range. */
  readonly base: bigint;
  /** Prefix length in the 128-bit space (an IPv4 /8 is /104 here). */
  readonly prefix: number;
}

const V4_MAPPED = 0xffffn << 32n;
const ALL_ONES = (1n << 128n) - 1n;

/** Parses `a.b.c.d` (no shorthand forms) into its 32-bit value. */
function parseV4(text: string): bigint {
  let value = 0n;
  for (const part of text.split(".")) value = (value << 8n) | BigInt(Number(part));
  return value;
}

/** Parses an IPv6 address (with `::` and an optional dotted IPv4 tail) into its 128-bit value. */
function parseV6(text: string): bigint {
  const zone = text.indexOf("%");
  const bare = zone === -1 ? text : text.slice(0, zone);
  const [head = "", tail] = bare.split("::") as [string, string | undefined];
  const groups = (part: string): number[] => {
    if (part === "") return [];
    const out: number[] = [];
    for (const piece of part.split(":")) {
      if (piece.includes(".")) {
        const v4 = Number(parseV4(piece));
        out.push(v4 >>> 16, v4 & 0xffff);
      } else out.push(Number.parseInt(piece, 16));
    }
    return out;
  };
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const fill = tail === undefined ? [] : new Array<number>(8 - left.length - right.length).fill(0);
  let value = 0n;
  for (const group of [...left, ...fill, ...right]) value = (value << 16n) | BigInt(group);
  return value;
}

/**
 * The 128-bit value of an IP address string, or `undefined` when it is not
 * one. IPv4 is returned IPv4-mapped, so `127.0.0.1` and `::ffff:127.0.0.1`
 * give the same value.
 *
 * @example
 * ```ts
 * ipToBigInt("127.0.0.1") === ipToBigInt("::ffff:7f00:1"); // true
 * ```
 */
export function ipToBigInt(address: string): bigint | undefined {
  if (isIPv4(address)) return V4_MAPPED | parseV4(address);
  if (isIPv6(address)) return parseV6(address);
  return undefined;
}

/** The IPv4 address embedded in a value of the IPv4-mapped block, if it is one. */
export function mappedV4(value: bigint): bigint | undefined {
  return value >> 32n === 0xffffn ? value & 0xffffffffn : undefined;
}

/**
 * Parses `address/prefix` or a single address (a /32 or /128). Returns
 * `undefined` for anything else.
 *
 * @example
 * ```ts
 * parseCidr("10.0.0.0/8"); // { base: ::ffff:10.0.0.0, prefix: 104 }
 * ```
 */
export function parseCidr(text: string): IpRange | undefined {
  const slash = text.indexOf("/");
  const address = slash === -1 ? text : text.slice(0, slash);
  const value = ipToBigInt(address);
  if (value === undefined) return undefined;
  const v4 = isIPv4(address);
  const width = v4 ? 32 : 128;
  let prefix = width;
  if (slash !== -1) {
    const bits = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(bits) || Number(bits) > width) return undefined;
    prefix = Number(bits);
  }
  const prefix128 = v4 ? prefix + 96 : prefix;
  return { base: value & mask(prefix128), prefix: prefix128 };
}

function mask(prefix: number): bigint {
  return prefix === 0 ? 0n : (ALL_ONES << BigInt(128 - prefix)) & ALL_ONES;
}

/** Whether `value` (from {@link ipToBigInt}) lies in `range`. */
export function inRange(value: bigint, range: IpRange): boolean {
  return (value & mask(range.prefix)) === range.base;
}
