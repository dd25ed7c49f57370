/**
 * The connection error raised when the `network` policy refuses an address.
 *
 * @module
 */

/**
 * A connection refused before it was made: the host is, or resolved to, an
 * address in a range blocked by `network.denyPrivate`. Deliveries that meet
 * it end at once with the error kind `blocked_address` and are never retried.
 *
 * @example
 * ```ts
 * import { BlockedAddressError } from "@attesta/webhooks";
 *
 * const onAttempt = ({ error }: { error?: Error }) => {
 *   if (error?.cause instanceof BlockedAddressError) console.warn(error.cause.address, error.cause.range);
 * };
 * ```
 *
 * @deprecated Catch `WebhookBlockedAddressError` instead: it is what a
 * delivery fails with, and carries the same `hostname`, `address` and
 * `range`. This class stays exported, and stays that error's `cause`, until
 * the next major version.
 */
export class BlockedAddressError extends Error {
  override name = "BlockedAddressError";
  readonly code = "ERR_ATTESTA_BLOCKED_ADDRESS";
  /** The attempt's error kind, as stored and reported. */
  readonly kind = "blocked_address";
  /** The host name of the endpoint URL. */
  readonly hostname: string;
  /** The address that was refused. */
  readonly address: string;
  /** What the address is (`"loopback"`, `"private"`, …). */
  readonly range: string;

  constructor(hostname: string, address: string, range: string) {
    const shown = hostname === address ? address : `${hostname} (${address})`;
    super(
      `@attesta/webhooks: refused to connect to ${shown}: ${range} addresses are blocked by network.denyPrivate. ` +
        `Fix: if this endpoint is trusted, add "${address}" or its range to network.allow; otherwise remove the endpoint.`,
    );
    this.hostname = hostname;
    this.address = address;
    this.range = range;
  }
}

/** Whether `error` or one of its causes is a {@link BlockedAddressError}. */
export function isBlockedAddress(error: unknown): boolean {
  for (let at = error, depth = 0; at instanceof Error && depth < 8; depth++) {
    if (at instanceof BlockedAddressError) return true;
    at = at.cause;
  }
  return false;
}
