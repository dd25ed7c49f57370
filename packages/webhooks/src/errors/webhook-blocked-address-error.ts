/**
 * A delivery attempt refused by the network policy.
 *
 * @module
 */
import type { BlockedAddressError } from "./blocked-address-error";
import { type DeliveryErrorContext, WebhookDeliveryError } from "./webhook-delivery-error";

/**
 * The endpoint's host is, or resolved to, an address that
 * `network.denyPrivate` blocks, so no connection was made. Catch this
 * one (`BlockedAddressError` is deprecated). Never retried: the
 * delivery ends dead with reason `blocked_address`. The
 * `BlockedAddressError` with the address and its range is `cause`.
 *
 * @example
 * ```ts
 * import { WebhookBlockedAddressError } from "@attesta/webhooks";
 *
 * const onDeadLetter = ({ error }: { error?: Error }) => {
 *   if (error instanceof WebhookBlockedAddressError) console.warn(`${error.address} is ${error.range}`);
 * };
 * ```
 */
export class WebhookBlockedAddressError extends WebhookDeliveryError {
  override name = "WebhookBlockedAddressError";
  readonly kind = "blocked_address";
  /** The host name of the endpoint URL. */
  readonly hostname: string;
  /** The refused address. */
  readonly address: string;
  /** What the address is (`"loopback"`, `"private"`, …). */
  readonly range: string;

  constructor(context: DeliveryErrorContext & { readonly cause: BlockedAddressError }) {
    const { address, range, hostname } = context.cause;
    const shown = hostname === address ? address : `${hostname} resolved to ${address}, which`;
    super(
      `${context.endpoint} was not attempted: ${shown} is a ${range} address, blocked by network.denyPrivate (attempt ${context.attempt}). ` +
        `Fix: add "${address}" (or its range) to network.allow if this endpoint is trusted.`,
      context,
    );
    this.hostname = hostname;
    this.address = address;
    this.range = range;
  }
}
