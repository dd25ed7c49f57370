/**
 * Public types of what the dispatcher takes: events, endpoint configs,
 * options and queries. What it reports is in `reporting/hook-payloads.ts`;
 * the events it takes are in `dispatchable-event.ts`, a leaf every part can import.
 *
 * @module
 */
import type { EventType, PipelineEvents } from "@attesta/events";
import type { EndpointFormat } from "./format/endpoint-format";
import type { DeadLetter, DeliveryAttempt, DroppedEvent } from "./reporting/hook-payloads";
import type { CircuitBreakerOptions } from "./scheduler/circuit-breaker";
import type { RetrySchedule } from "./scheduler/retry-schedule";
import type { DeliveryStatus, DeliveryStore } from "./store/delivery-store";
import type { NetworkOptions } from "./transport/address-policy";

export type { DispatchableEvent, EventSource } from "./dispatchable-event";

/**
 * What to do when an endpoint's queue is full and another event arrives:
 * `"drop-oldest"` evicts the oldest queued event to make room (fresh events
 * win), `"drop-newest"` refuses the arriving event (queued events win).
 */
export type OverflowPolicy = "drop-oldest" | "drop-newest";

/**
 * One webhook endpoint. Only `url` is required.
 *
 * @example
 * ```ts
 * import type { WebhookConfig } from "@attesta/webhooks";
 *
 * const config: WebhookConfig = {
 *   url: "https://hooks.example.com/attesta",
 *   events: ["approved", "denied"],
 *   secret: "whsec_test",
 *   timeoutMs: 5000,
 *   retryCount: 3,
 * };
 * ```
 */
export interface WebhookConfig<Events extends object = PipelineEvents> {
  /**
   * Stable endpoint id used by the store, `deliveries.list({ endpoint })` and
   * `stats()`: 1 to 64 letters, digits, `.`, `_`, `:` or `-`. Default: `ep_`
   * and 16 hex digits derived from the config's position and URL, so moving
   * or editing an entry changes it; set it when a durable store must find the
   * endpoint's deliveries again after such a change.
   */
  id?: string;
  /** `http:` or `https:` URL the events are POSTed to. Redirects are not followed. */
  url: string;
  /**
   * The body each event is sent as. `"attesta"` (default): the Attesta
   * payload, byte-identical to the Python library. `"slack"`, `"teams"`,
   * `"discord"`: a message for that service's incoming webhook (a Slack
   * message with Block Kit blocks, a Teams Workflows Adaptive Card, a Discord
   * embed), coloured by risk level and cut visibly to the service's limits;
   * the service's error answers are read too (a deleted channel disables the
   * endpoint). A function `(payload, context) => body`: your own body, typed
   * by the bus's event map. With a secret, the formatted bytes are signed.
   */
  format?: EndpointFormat<Events>;
  /**
   * The URL's path or query is its credential: logs, errors, spans, operator
   * events and dead letters show only its origin and a fingerprint. Default:
   * `true` with a chat `format`, for Slack, Discord, Teams and Power
   * Automate hook hosts and for URLs with a `sig=` parameter, else `false`.
   */
  secretUrl?: boolean;
  /**
   * Event names to deliver: pipeline types (`"approved"`) or the names of a
   * custom `EventBus<MyEvents>`. Default `[]`: every event the bus emits.
   */
  events?: readonly (EventType | (string & {}))[];
  /**
   * Shared secret; when set, each request carries `X-Attesta-Signature: sha256=<hex>`.
   * Several secrets (key rotation) give one Standard Webhooks signature each; the
   * Attesta header uses the first HMAC secret. Default: unsigned.
   */
  secret?: string | readonly string[];
  /**
   * Which signature headers go out. `"attesta"` (default): `X-Attesta-Signature`
   * only, byte-identical to the Python library. `"standard-webhooks"`: `webhook-id`
   * (the delivery id), `webhook-timestamp` (fresh per attempt) and `webhook-signature`
   * (`v1,<base64>` over `id.timestamp.body`, keyed by a `whsec_` secret; `v1a` for a
   * `whsk_` ed25519 key). `"both"`: all of them, for migrating receivers.
   */
  scheme?: "attesta" | "standard-webhooks" | "both";
  /** Limit for one attempt, from connecting until the response body is read. Default `5000`. */
  timeoutMs?: number;
  /** Retries after the first attempt (`0`: one attempt only). Default `1`. */
  retryCount?: number;
  /** Base of the exponential backoff between attempts, in ms. Default `500`. */
  retryBaseDelayMs?: number;
  /** Upper bound of any wait between attempts, including one asked for by `Retry-After`, in ms. Default `30000`. */
  retryMaxDelayMs?: number;
  /** Requests in flight at once (also the number of keep-alive connections). Default `10`. */
  concurrency?: number;
  /**
   * When to retry: `"exponential"` (default; `retryCount` doubling steps from
   * `retryBaseDelayMs`), `"svix"` (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h,
   * ±20%), or the waits in ms (`[1000, 60000]`, one retry each).
   */
  retrySchedule?: RetrySchedule;
  /** Shortest wait after a `Retry-After` (so `Retry-After: 0` cannot cause a storm). Default `1000`. */
  retryMinDelayMs?: number;
  /** Shortest wait after a 429 or a timeout. Default `5000`. */
  overloadDelayMs?: number;
  /** ± random share of each wait of an explicit `retrySchedule` array (0 to 1). Default `0` (`0.2` for `"svix"`). */
  retryJitter?: number;
  /**
   * When attempts stop for a while after failures; see `CircuitBreakerOptions`.
   * `false` turns the breaker off: every delivery keeps its own retry
   * schedule however the endpoint fails (and `endpoint.failing` is not
   * reported, since it comes with the breaker opening).
   */
  circuitBreaker?: CircuitBreakerOptions | false;
  /** Disable the endpoint after failing without a success for this long, in ms. Default 5 days. */
  disableAfterMs?: number;
  /** Disable the endpoint at once when it answers 410 Gone. Default `true`. */
  disableOnGone?: boolean;
  /**
   * Dead-letters a delivery (reason `"expired"`, through `onDeadLetter`) that
   * is still pending this many ms after it was created: behind an open
   * breaker, on a disabled endpoint, or between retries. An attempt already
   * running finishes first. Default: no limit, a delivery waits until it
   * settles.
   */
  expireAfterMs?: number;
  /** Most deliveries per second to this endpoint. Default: no limit. */
  rateLimit?: number;
  /** Deliveries allowed at once after an idle spell, with `rateLimit`. Default `max(1, rateLimit)`. */
  rateLimitBurst?: number;
  /**
   * One delivery in flight at a time, in emit order, retries included (for
   * receivers that need order). Implies `concurrency: 1`. Default `false`.
   */
  ordered?: boolean;
  /** Events waiting for this endpoint before the overflow policy applies. Default `10000`. */
  maxQueueSize?: number;
  /** See {@link OverflowPolicy}. Default `"drop-oldest"`. */
  overflow?: OverflowPolicy;
}

/**
 * Where the dispatcher writes its diagnostics. `console` fits. Messages never
 * contain secrets or request bodies, and URLs are reduced to origin and path.
 */
export interface WebhookLogger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Options of `new WebhookDispatcher(bus, configs, options)`.
 *
 * @example
 * ```ts
 * import type { WebhookDispatcherOptions } from "@attesta/webhooks";
 *
 * const options: WebhookDispatcherOptions = {
 *   logger: console,
 *   onDeadLetter: (letter) => console.error("undelivered", letter.deliveryId, letter.reason),
 * };
 * ```
 */
export interface WebhookDispatcherOptions {
  /** Diagnostics sink; `null` silences it. Default: warnings and errors to `console`. */
  logger?: WebhookLogger | null;
  /** Called after every HTTP attempt. Default: none. */
  onAttempt?: (attempt: DeliveryAttempt) => void;
  /** Called once per delivery that ends undelivered, with its full payload. Default: none (a warning is logged). */
  onDeadLetter?: (letter: DeadLetter) => void;
  /** Called for every event an endpoint drops or refuses; runs inside `emit`. Default: none (a rate-limited warning is logged). */
  onDrop?: (drop: DroppedEvent) => void;
  /** Response bytes read before the connection is dropped instead. Default `65536`. */
  maxResponseBytes?: number;
  /**
   * Where deliveries are kept until they are delivered or dead, with their
   * attempts. Default: a new `MemoryStore()` (nothing survives a restart).
   * The dispatcher opens and closes it; give each dispatcher its own store.
   */
  store?: DeliveryStore;
  /**
   * Gives back the secret of an endpoint restored from a durable store
   * (`SqliteStore` keeps endpoint configs added at run time, but not their
   * secrets unless `storeSecrets: true`). Called once per restored signed
   * endpoint at construction, e.g. with a lookup in your secret manager
   * cache. When it returns `undefined` (or throws), the endpoint is kept
   * disabled (`"secret_missing"`, a warning and `endpoint.disabled`) with
   * its deliveries until `updateEndpoint(id, { secret })`: it never sends
   * unsigned requests. Default: none.
   */
  secrets?: (endpointId: string) => string | undefined;
  /**
   * SSRF guard for endpoint URLs that come from your own customers:
   * `{ denyPrivate: true, allow: ["10.1.0.0/16", "hooks.internal"] }`. Every
   * address is checked when a connection is made. Default: no check.
   */
  network?: NetworkOptions;
  /** Sockets open at once across all endpoints. Default `256`. */
  maxSockets?: number;
  /** Sockets per origin, shared by the endpoints on it. Default `64`. */
  connectionsPerOrigin?: number;
  /** An unused keep-alive socket is closed after this long, in ms. Default `4000`. */
  keepAliveTimeoutMs?: number;
}

/**
 * Options of `close()`.
 *
 * @example
 * ```ts
 * const report = await dispatcher.close({ deadlineMs: 10_000 });
 * ```
 */
export interface CloseOptions {
  /**
   * Longest wait for queued and in-flight deliveries, in ms. At the deadline,
   * requests are aborted; a durable store keeps everything unsent pending for
   * the next process (`kept`), the memory store reports it (`undelivered`).
   * Default: wait until every delivery has settled.
   */
  deadlineMs?: number;
}

/**
 * Options of `flush()`.
 *
 * @example
 * ```ts
 * const { timedOut, owed } = await dispatcher.flush({ deadlineMs: 5_000 });
 * ```
 */
export interface FlushOptions {
  /**
   * Longest wait, in ms: `flush()` then resolves with `timedOut: true` and
   * what is still owed, and nothing is aborted. Default: wait until every
   * delivery owed at the call has settled.
   */
  deadlineMs?: number;
}

/**
 * Filter of `dispatcher.deliveries.list(query)`. Every field narrows.
 *
 * @example
 * ```ts
 * dispatcher.deliveries.list({ status: "dead", endpoint: "billing", since: Date.now() - 3_600_000 });
 * ```
 */
export interface ListDeliveriesQuery {
  readonly status?: DeliveryStatus;
  /** Endpoint id (see `WebhookConfig.id` and `stats().endpoints[i].id`). */
  readonly endpoint?: string;
  /** Event name, either case: `"approved"` or `"APPROVED"`. */
  readonly event?: string;
  /** Only deliveries created at or after it (epoch ms or a Date). */
  readonly since?: number | Date;
  /** At most this many, oldest first. Default `100`. */
  readonly limit?: number;
}

/**
 * Filter of `dispatcher.recover(options)`: which dead letters to redeliver.
 *
 * @example
 * ```ts
 * const count = dispatcher.recover({ endpoint: "billing", since: outageStartedAt });
 * ```
 */
export interface RecoverOptions {
  /** Endpoint id; default: every endpoint. */
  readonly endpoint?: string;
  /** Only dead letters created at or after it (epoch ms or a Date). */
  readonly since?: number | Date;
}
