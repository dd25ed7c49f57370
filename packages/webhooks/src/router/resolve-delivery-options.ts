/**
 * The per-endpoint options of the fleet features: retry schedule, health
 * (circuit breaker, auto-disable), rate limit and ordering. Validated when the
 * endpoint is configured, so mistakes surface at `new` / `addEndpoint`.
 *
 * @module
 */
import { invalidOption } from "../options/invalid-option";
import type { CircuitBreakerOptions } from "../scheduler/circuit-breaker";
import { EndpointHealth, type EndpointHealthOptions } from "../scheduler/endpoint-health";
import { RateLimiter } from "../scheduler/rate-limiter";
import { RetryDelays, type RetrySchedule } from "../scheduler/retry-schedule";

/** The option names this module reads from an endpoint config. */
export const DELIVERY_OPTION_KEYS = [
  "retrySchedule",
  "retryMinDelayMs",
  "overloadDelayMs",
  "retryJitter",
  "circuitBreaker",
  "disableAfterMs",
  "disableOnGone",
  "rateLimit",
  "rateLimitBurst",
  "ordered",
  "expireAfterMs",
] as const;

/** What they resolve to. */
export interface DeliveryOptions {
  /** When to retry; see `RetrySchedule`. */
  readonly retry: RetryDelays;
  readonly health: EndpointHealthOptions;
  /** Deliveries per second, when limited. */
  readonly rateLimit: number | undefined;
  readonly rateLimitBurst: number | undefined;
  /** One delivery in flight, in emit order. */
  readonly ordered: boolean;
  /** Dead-letter (`expired`) a delivery still pending this long after it was created, in ms. */
  readonly expireAfterMs: number | undefined;
}

/**
 * @example
 * ```ts
 * const options = resolveDeliveryOptions({ retrySchedule: "svix", rateLimit: 20 }, "config[0]");
 * options.retry.maxRetries; // 7
 * ```
 */
export function resolveDeliveryOptions(
  input: Record<string, unknown>,
  at: string,
): DeliveryOptions {
  const retry = new RetryDelays(
    {
      retrySchedule: input.retrySchedule as RetrySchedule | undefined,
      retryCount: input.retryCount as number | undefined,
      retryBaseDelayMs: input.retryBaseDelayMs as number | undefined,
      retryMaxDelayMs: input.retryMaxDelayMs as number | undefined,
      retryMinDelayMs: input.retryMinDelayMs as number | undefined,
      overloadDelayMs: input.overloadDelayMs as number | undefined,
      retryJitter: input.retryJitter as number | undefined,
    },
    at,
  );
  const health: EndpointHealthOptions = {
    ...(input.circuitBreaker === undefined
      ? {}
      : { circuitBreaker: input.circuitBreaker as CircuitBreakerOptions | false }),
    ...(input.disableAfterMs === undefined
      ? {}
      : { disableAfterMs: input.disableAfterMs as number }),
    ...(input.disableOnGone === undefined ? {} : { disableOnGone: input.disableOnGone as boolean }),
  };
  // Constructed once to validate; the scheduler makes the live one.
  new EndpointHealth({ endpointId: "", url: "" }, health, Date.now, () => {}, at);
  const rateLimit = input.rateLimit as number | undefined;
  const rateLimitBurst = input.rateLimitBurst as number | undefined;
  if (rateLimit !== undefined)
    new RateLimiter(rateLimit, rateLimitBurst, Date.now, `${at}.rateLimit`);
  else if (rateLimitBurst !== undefined) {
    throw invalidOption(
      `${at}.rateLimitBurst`,
      "used with rateLimit",
      rateLimitBurst,
      "set rateLimit too, or leave rateLimitBurst out",
    );
  }
  const ordered = input.ordered ?? false;
  if (typeof ordered !== "boolean") {
    throw invalidOption(`${at}.ordered`, "a boolean", ordered, "pass true or false");
  }
  if (ordered && input.concurrency !== undefined && input.concurrency !== 1) {
    throw invalidOption(
      `${at}.concurrency`,
      "1 (or left out) when ordered is true",
      input.concurrency,
      "drop concurrency: ordered mode sends one delivery at a time",
    );
  }
  const expireAfterMs = input.expireAfterMs as number | undefined;
  if (
    expireAfterMs !== undefined &&
    (typeof expireAfterMs !== "number" || !Number.isInteger(expireAfterMs) || expireAfterMs < 1)
  ) {
    throw invalidOption(
      `${at}.expireAfterMs`,
      "an integer number of ms ≥ 1",
      expireAfterMs,
      "pass e.g. 86400000 (a day), or leave it out to keep deliveries until they settle",
    );
  }
  return { retry, health, rateLimit, rateLimitBurst, ordered, expireAfterMs };
}
