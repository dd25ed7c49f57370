/**
 * The health of one endpoint: its circuit breaker, the stretch of failures
 * it is in, and when it must be disabled. Pure logic over an injected clock;
 * it reports what happened as operator events.
 *
 * @module
 */
import { invalidOption } from "../options/invalid-option";
import type { DispatcherEvents, EndpointRef, FailureSummary } from "../reporting/operator-events";
import type { DisableReason } from "../store/delivery-store";
import { isGoneAnswer } from "../transport/service-answers";
import {
  type BreakerPermit,
  type BreakerTransition,
  CircuitBreaker,
  type CircuitBreakerOptions,
} from "./circuit-breaker";

/** Default of {@link EndpointHealthOptions.disableAfterMs}: 5 days, as Svix does. */
export const DEFAULT_DISABLE_AFTER_MS = 5 * 24 * 3_600_000;

/** Health options of an endpoint. */
export interface EndpointHealthOptions {
  /** `false` turns the breaker off. */
  readonly circuitBreaker?: CircuitBreakerOptions | false;
  /** Disable after failing without a single success for this long, in ms. Default 5 days. */
  readonly disableAfterMs?: number;
  /** Disable at once when the endpoint answers 410 Gone. Default `true`. */
  readonly disableOnGone?: boolean;
}

/** What a disable carries besides its reason. */
export interface DisableDetails {
  /** The time of a disable that happened before a restart. */
  readonly restored?: { readonly since: number } | undefined;
  /** The service's code of a `gone` (`"channel_not_found"`). */
  readonly receiverCode?: string | undefined;
}

/** How an attempt ended, as health needs it. */
export interface AttemptSummary {
  readonly ok: boolean;
  readonly failure?: FailureSummary;
}

type HealthEvent = {
  [K in keyof DispatcherEvents]: { readonly name: K; readonly data: DispatcherEvents[K] };
}[
  | "endpoint.failing"
  | "endpoint.recovered"
  | "endpoint.disabled"
  | "endpoint.circuit_opened"
  | "endpoint.circuit_half_open"];

/**
 * @example
 * ```ts
 * const health = new EndpointHealth(ref, {}, Date.now, (event) => bus.emit({ type: event.name, data: event.data }));
 * const permit = health.acquire();
 * if (permit) health.record(permit, { ok: false, failure });
 * ```
 */
export class EndpointHealth {
  private readonly breaker: CircuitBreaker;
  private readonly disableAfterMs: number;
  private readonly disableOnGone: boolean;
  /** Epoch ms of the first failure since the last success. */
  private failingSince: number | undefined;
  private reportedFailing = false;
  private lastFailure: FailureSummary | undefined;
  private inARow = 0;
  private disabledFor: DisableReason | undefined;
  private disabledAt: number | undefined;
  private disabledCode: string | undefined;

  constructor(
    private readonly ref: EndpointRef,
    options: EndpointHealthOptions = {},
    private readonly now: () => number = Date.now,
    private readonly report: (event: HealthEvent) => void = () => {},
    at = "config",
  ) {
    const { disableAfterMs = DEFAULT_DISABLE_AFTER_MS, disableOnGone = true } = options;
    if (typeof disableAfterMs !== "number" || !(disableAfterMs > 0)) {
      throw invalidOption(
        `${at}.disableAfterMs`,
        "a number of ms above 0 (Infinity never disables)",
        disableAfterMs,
        "pass e.g. 432000000 (5 days)",
      );
    }
    if (typeof disableOnGone !== "boolean") {
      throw invalidOption(`${at}.disableOnGone`, "a boolean", disableOnGone, "pass true or false");
    }
    this.disableAfterMs = disableAfterMs;
    this.disableOnGone = disableOnGone;
    this.breaker = new CircuitBreaker(
      options.circuitBreaker,
      now,
      (transition) => this.onBreaker(transition),
      `${at}.circuitBreaker`,
    );
  }

  get state() {
    return this.breaker.state;
  }

  /** Epoch ms when an open breaker lets a probe through. */
  get probeAt(): number | undefined {
    return this.breaker.probeAt;
  }

  /** Why the endpoint is disabled, or `undefined` while it is enabled. */
  get disabled(): DisableReason | undefined {
    return this.disabledFor;
  }

  /** Epoch ms when the endpoint was disabled, while it is. */
  get disabledSince(): number | undefined {
    return this.disabledAt;
  }

  /** While disabled as `gone` by a chat service's answer: the service's code. */
  get disabledReceiverCode(): string | undefined {
    return this.disabledCode;
  }

  /** A permit to start an attempt now, or `undefined` (disabled, breaker open, probe out). */
  acquire(): BreakerPermit | undefined {
    return this.disabledFor === undefined ? this.breaker.acquire() : undefined;
  }

  cancel(permit: BreakerPermit): void {
    this.breaker.cancel(permit);
  }

  record(permit: BreakerPermit, attempt: AttemptSummary): void {
    if (attempt.ok) {
      const since = this.failingSince;
      this.failingSince = undefined;
      this.inARow = 0;
      this.breaker.record(permit, true);
      if (since !== undefined && this.reportedFailing && this.breaker.state === "closed") {
        this.reportedFailing = false;
        this.report({
          name: "endpoint.recovered",
          data: { ...this.ref, since, downMs: this.now() - since },
        });
      }
      return;
    }
    this.failingSince ??= this.now();
    this.inARow++;
    this.lastFailure = attempt.failure;
    this.breaker.record(permit, false);
    const failure = attempt.failure;
    if (this.disableOnGone && isGoneAnswer(failure?.status, failure?.receiverCode))
      this.disable("gone", { receiverCode: failure?.receiverCode });
    else if (this.now() - this.failingSince >= this.disableAfterMs) this.disable("failing");
  }

  /**
   * Stops attempts until `enable()`; reported once. `restored` carries the
   * time of a disable that happened before a restart; `receiverCode` the
   * service's code of a `gone`.
   */
  disable(reason: DisableReason, details: DisableDetails = {}): void {
    if (this.disabledFor !== undefined) return;
    const { restored, receiverCode } = details;
    this.disabledFor = reason;
    this.disabledAt = restored?.since ?? this.now();
    this.disabledCode = receiverCode;
    this.report({
      name: "endpoint.disabled",
      data: {
        ...this.ref,
        reason,
        ...(receiverCode === undefined ? {} : { receiverCode }),
        since: this.disabledAt,
        ...(restored === undefined ? {} : { restored: true }),
        ...(this.lastFailure ? { lastFailure: this.lastFailure } : {}),
      },
    });
  }

  /** Lets attempts start again, with a fresh failure stretch. Returns false when it was not disabled. */
  enable(): boolean {
    if (this.disabledFor === undefined) return false;
    this.disabledFor = undefined;
    this.disabledAt = undefined;
    this.disabledCode = undefined;
    this.failingSince = undefined;
    this.reportedFailing = false;
    this.inARow = 0;
    return true;
  }

  private onBreaker(transition: BreakerTransition): void {
    if (transition.to === "half_open") {
      this.report({ name: "endpoint.circuit_half_open", data: { ...this.ref } });
      return;
    }
    if (transition.to !== "open") return;
    const { reason, consecutiveFailures, failureRate, probeAt } = transition;
    if (!this.reportedFailing) {
      this.reportedFailing = true;
      this.report({
        name: "endpoint.failing",
        data: {
          ...this.ref,
          since: this.failingSince ?? this.now(),
          consecutiveFailures: this.inARow,
          ...(this.lastFailure ? { lastFailure: this.lastFailure } : {}),
        },
      });
    }
    this.report({
      name: "endpoint.circuit_opened",
      data: { ...this.ref, reason, consecutiveFailures, failureRate, probeAt },
    });
  }
}
