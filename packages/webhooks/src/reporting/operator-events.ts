/**
 * The events a dispatcher reports about itself on `dispatcher.events`, an
 * `EventBus` from `@attesta/events`: operators watch endpoint health and
 * undelivered events with the API they already use for the pipeline.
 *
 * Part of reporting/, shared by the in-process dispatcher and the BullMQ
 * producer and workers (bullmq/): a change here reaches both.
 *
 * @example
 * ```ts
 * dispatcher.events.on("endpoint.disabled", ({ data }) => {
 *   console.warn(`webhook endpoint ${data.url} disabled: ${data.reason}`);
 * });
 * dispatcher.events.on("delivery.dead", ({ data }) => metrics.increment("webhooks.dead", { reason: data.reason }));
 * ```
 *
 * @module
 */
import type { DeadReason, DisableReason, StoreWarning } from "../store/delivery-store";

/** A failure as operator events report it: never a secret, a body or a query string. */
export interface FailureSummary {
  /** `http_status`, `timeout`, `connection`, `blocked_address`, `aborted` or `unserializable`. */
  readonly kind: string;
  /** HTTP status, when a response arrived. */
  readonly status?: number;
  readonly message: string;
  /** The receiver's own `error.code`, read from its response body. */
  readonly receiverCode?: string;
  /** The receiver's own message, read from its response body. */
  readonly receiverMessage?: string;
}

/** Fields every endpoint event carries. */
export interface EndpointRef {
  readonly endpointId: string;
  /** Origin and path only. */
  readonly url: string;
}

/**
 * Event map of `dispatcher.events`. Names are `subject.what-happened`.
 */
export interface DispatcherEvents {
  /** An endpoint's breaker opened for the first time in a stretch of failures. */
  "endpoint.failing": EndpointRef & {
    /** Epoch ms of the first failure of the stretch. */
    readonly since: number;
    readonly consecutiveFailures: number;
    readonly lastFailure?: FailureSummary;
  };
  /** A failing endpoint delivered again (its breaker closed). */
  "endpoint.recovered": EndpointRef & {
    readonly since: number;
    /** How long it had been failing, in ms. */
    readonly downMs: number;
  };
  /** An endpoint stopped receiving attempts; its deliveries are kept for when it is enabled. */
  "endpoint.disabled": EndpointRef & {
    readonly reason: DisableReason;
    /**
     * With `reason: "gone"`: the service's own code that said so
     * (`"channel_not_found"`, `"channel_is_archived"`, Discord's `"10015"`);
     * absent for a plain 410 Gone.
     */
    readonly receiverCode?: string;
    /** Epoch ms when it was disabled. */
    readonly since: number;
    /**
     * `true` when the endpoint was disabled before a restart and the store
     * gave that state back: reported again once, right after the constructor.
     */
    readonly restored?: boolean;
    readonly lastFailure?: FailureSummary;
  };
  /** A disabled endpoint was enabled again; its kept deliveries are sent. */
  "endpoint.enabled": EndpointRef & { readonly pending: number };
  /** The breaker opened: no attempt starts until `probeAt`. */
  "endpoint.circuit_opened": EndpointRef & {
    readonly reason: "consecutive_failures" | "failure_rate" | "probe_failed";
    readonly consecutiveFailures: number;
    readonly failureRate: number;
    readonly probeAt: number;
  };
  /** The breaker lets one probe through. */
  "endpoint.circuit_half_open": EndpointRef;
  /** An endpoint was added at run time (or at construction). */
  "endpoint.added": EndpointRef;
  /** An endpoint's config changed. */
  "endpoint.updated": EndpointRef & { readonly changed: readonly string[] };
  /** An endpoint was removed; `abandoned` deliveries were dropped with it (0 when drained). */
  "endpoint.removed": EndpointRef & { readonly abandoned: number };
  /** A delivery will not be attempted again. */
  "delivery.dead": EndpointRef & {
    readonly deliveryId: string;
    /** Upper-case event name, as in the body. */
    readonly event: string;
    readonly reason: DeadReason;
    readonly attempts: number;
    readonly lastFailure?: FailureSummary;
  };
  /**
   * A durable store passed a size it documents, once per stretch: its file
   * grew past `warnFileBytes` (a long outage is filling the disk), or an
   * endpoint reached `maxStoredPending` and its overflow policy now drops.
   */
  "store.warning": StoreWarning & { readonly message: string };
  /** Events were refused: a full queue, or `emit` after `close()`. Rate-limited: one per second at most, with a count. */
  "delivery.dropped": {
    readonly endpointId?: string;
    readonly reason: "queue_full" | "closed";
    /** Events dropped since the previous report. */
    readonly count: number;
  };
  /**
   * A durable store's commit failed (disk full, I/O error, read-only file):
   * reported once per stretch. Nothing is sent until it recovers; what could
   * not be written is held in memory and written by the store's own retries.
   */
  "store.failing": {
    /** `"sqlite"`. */
    readonly store: string;
    /** The cause, a SqliteStoreError whose message names it (`cause`: the SQLite error). */
    readonly error: unknown;
    /** Deliveries held in memory, not yet in the file. */
    readonly uncommitted: number;
    /** Epoch ms of the first failed commit of the stretch. */
    readonly since: number;
  };
  /** A commit succeeded again after `store.failing`; delivery resumes. */
  "store.recovered": {
    readonly store: string;
    readonly since: number;
    /** How long commits failed, in ms. */
    readonly downMs: number;
  };
  /**
   * A BullMQ producer's write to Redis failed, the first of a stretch:
   * reported at once, once per stretch; the writes are retried until Redis answers.
   */
  "producer.failing": {
    /** The Redis address, password replaced by `***`. */
    readonly redis: string;
    /** Epoch ms of the first failed write of the stretch. */
    readonly since: number;
    readonly message: string;
  };
  /** A failing producer wrote to Redis again. */
  "producer.recovered": {
    readonly redis: string;
    readonly since: number;
    /** How long its writes had been failing, in ms. */
    readonly downMs: number;
    /** Failed writes during the stretch. */
    readonly writeErrors: number;
  };
  /** A user hook (`onAttempt`, `onDrop`, `onDeadLetter`) threw. Rate-limited like drops. */
  "dispatcher.hook_failed": {
    readonly hook: string;
    readonly error: unknown;
    /** Failures since the previous report. */
    readonly count: number;
  };
}

/** An operator event the loop reports. */
export type OperatorEvent = {
  [K in keyof DispatcherEvents]: { readonly name: K; readonly data: DispatcherEvents[K] };
}[keyof DispatcherEvents];
