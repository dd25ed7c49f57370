/**
 * The age limit of an endpoint's deliveries (`expireAfterMs`): a timer that
 * finds deliveries that waited too long, whatever holds them.
 *
 * @module
 */
import type { Endpoint } from "../router/endpoint";
import type { DeliveryStore, LeasedDelivery } from "../store/delivery-store";

/** Longest gap between two checks, in ms; a shorter limit is checked about four times per limit. */
const MAX_CHECK_INTERVAL_MS = 5000;

/**
 * Checks a few times per limit for pending deliveries older than the
 * endpoint's `expireAfterMs` (an open breaker, a disabled endpoint and a
 * retry wait hold them alike) and has the store settle them as `expired`.
 * Unref'd: it never keeps a process alive by itself.
 *
 * @example
 * ```ts
 * const watch = new ExpiryWatch(endpoint, store, Date.now, (expired) => report(expired));
 * watch.start();
 * ```
 */
export class ExpiryWatch {
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly store: DeliveryStore,
    private readonly now: () => number,
    private readonly expired: (deliveries: readonly LeasedDelivery[]) => void,
  ) {}

  /** (Re)starts the checks with the endpoint's current limit; none without one. */
  start(): void {
    this.stop();
    const limit = this.endpoint.config.delivery.expireAfterMs;
    if (limit === undefined) return;
    this.timer = setInterval(this.check, Math.min(MAX_CHECK_INTERVAL_MS, Math.max(20, limit / 4)));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private readonly check = (): void => {
    const limit = this.endpoint.config.delivery.expireAfterMs;
    if (limit === undefined) return;
    const expired = this.store.expire(this.endpoint.id, this.now() - limit);
    if (expired.length > 0) this.expired(expired);
  };
}
