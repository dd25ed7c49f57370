/**
 * One configured webhook endpoint and its counters. Internal to the dispatcher.
 *
 * @module
 */

import type { DispatchableEvent } from "../dispatchable-event";
import type { EndpointStats } from "../reporting/hook-payloads";
import type { ResolvedConfig } from "./resolve-configs";

/**
 * An entry of the endpoint registry. It owns its counters: the router, the
 * scheduler and the dispatcher report what happened through its methods and
 * never write a count themselves.
 */
export class Endpoint {
  /** Stable id: `config.id`. */
  readonly id: string;
  private enqueuedCount = 0;
  private droppedCount = 0;
  private unreportedDropCount = 0;
  private deliveredCount = 0;
  private failedCount = 0;
  private attemptCount = 0;
  private retryCount = 0;

  constructor(
    /** Position in the `configs` array. */
    readonly index: number,
    public config: ResolvedConfig,
  ) {
    this.id = config.id;
  }

  /** Events accepted into the store so far. */
  get enqueued(): number {
    return this.enqueuedCount;
  }

  /** Events dropped by the overflow policy or refused after close, so far. */
  get dropped(): number {
    return this.droppedCount;
  }

  /**
   * Counts one enqueue of `event`, given what the store did not keep (see
   * `DeliveryStore.enqueue`). Runs inside `emit`. Returns whether `event` was kept.
   */
  countEnqueue(event: DispatchableEvent, notKept: DispatchableEvent | undefined): boolean {
    if (notKept === undefined) {
      this.enqueuedCount++;
      return true;
    }
    this.droppedCount++;
    this.unreportedDropCount++;
    if (notKept === event) return false;
    // drop-oldest: the new event took the evicted one's place.
    this.enqueuedCount++;
    return true;
  }

  /** Counts an event refused because the dispatcher is closing. */
  countRefused(): void {
    this.droppedCount++;
  }

  /** Counts one HTTP attempt; `attempt` is 1 for a delivery's first. */
  countAttempt(attempt: number): void {
    this.attemptCount++;
    if (attempt > 1) this.retryCount++;
  }

  countDelivered(): void {
    this.deliveredCount++;
  }

  /** Counts a delivery that ended dead (handed to onDeadLetter). */
  countFailed(): void {
    this.failedCount++;
  }

  /** Drops not yet mentioned in a warning; resets the count. */
  takeUnreportedDrops(): number {
    const count = this.unreportedDropCount;
    this.unreportedDropCount = 0;
    return count;
  }

  /** The counters, with what the store and scheduler hold right now. */
  stats(queued: number, inFlight: number): EndpointStats {
    return {
      id: this.id,
      url: this.config.shownUrl,
      enqueued: this.enqueuedCount,
      delivered: this.deliveredCount,
      failed: this.failedCount,
      dropped: this.droppedCount,
      attempts: this.attemptCount,
      retries: this.retryCount,
      queued,
      inFlight,
    };
  }
}
