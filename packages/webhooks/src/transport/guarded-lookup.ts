/**
 * A `lookup` for `net.connect` / `tls.connect` that checks every resolved
 * address against the network policy before a socket is opened.
 *
 * @module
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from "node:dns";
import { BlockedAddressError } from "../errors";
import type { AddressPolicy } from "./address-policy";

/** The resolver a guarded lookup wraps: `dns.lookup` with `{ all: true }`. */
export type ResolveAll = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/** What `net.connect({ lookup })` calls. */
export type ConnectLookup = (
  hostname: string,
  options: { family?: number | string; hints?: number; all?: boolean },
  callback: (
    error: NodeJS.ErrnoException | null,
    address: string | LookupAddress[],
    family?: number,
  ) => void,
) => void;

const systemResolve: ResolveAll = (hostname, options, callback) =>
  dnsLookup(hostname, options, callback);

/**
 * Wraps `resolve` so that a connection fails with {@link BlockedAddressError}
 * when any address the name resolves to is blocked. It runs for every new
 * connection, so the addresses checked are the ones connected to.
 *
 * All addresses must pass, not just one: otherwise a name with one public
 * and one private answer could still reach the private one when Node falls
 * back between address families.
 *
 * @example
 * ```ts
 * net.connect({ host: "hooks.example.com", port: 443, lookup: guardedLookup(policy) });
 * ```
 */
export function guardedLookup(
  policy: AddressPolicy,
  resolve: ResolveAll = systemResolve,
): ConnectLookup {
  return (hostname, options, callback) => {
    const family = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : options.family;
    resolve(
      hostname,
      { family: (family as 0 | 4 | 6 | undefined) ?? 0, hints: options.hints, all: true },
      (error, addresses) => {
        if (error !== null) {
          callback(error, options.all ? [] : "", undefined);
          return;
        }
        if (!policy.allowsHost(hostname)) {
          for (const { address } of addresses) {
            const blocked = policy.blockedRange(address);
            if (blocked !== undefined) {
              callback(new BlockedAddressError(hostname, address, blocked), options.all ? [] : "");
              return;
            }
          }
        }
        if (options.all) callback(null, addresses);
        else {
          const first = addresses[0];
          if (first === undefined) {
            const missing: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
            missing.code = "ENOTFOUND";
            callback(missing, "");
          } else callback(null, first.address, first.family);
        }
      },
    );
  };
}
