/**
 * Settling an endpoint's waiting deliveries as dead in one pass, the window
 * and then the file's backlog a page at a time: all of them (abandon), or
 * those created before a time (expiry). Leased deliveries are left to their
 * holder, which settles them with recordAttempt.
 *
 * @module
 */
import type { DeadReason, LeasedDelivery } from "../store/delivery-store";
import { type PendingEntry, toLeased } from "./pending-entry";
import type { PendingQueue } from "./pending-queue";

/** Pages of the file an expiry check reads at most; a long backlog expires over several checks. */
const MAX_EXPIRY_PAGES = 8;

/** What the pass does to one entry, and how it pages the window in from the file. */
export interface SettleSteps {
  /** Settles one entry as dead with `reason`. */
  readonly settle: (entry: PendingEntry, reason: DeadReason) => void;
  /** Pages the next window of the queue in from the file. */
  readonly refill: () => void;
}

/** Settles every waiting (unleased) entry of `queue` as dead, the file's a window at a time. */
export function abandonWaiting(
  queue: PendingQueue,
  reason: DeadReason,
  steps: SettleSteps,
): LeasedDelivery[] {
  const takeAll = (): PendingEntry[] => {
    const waiting = queue.waiting();
    queue.clearWaiting();
    return waiting;
  };
  return settleWaiting(queue, takeAll, reason, steps, {
    maxPages: Number.POSITIVE_INFINITY,
    stopWhenNone: false,
  });
}

/**
 * Settles every waiting (unleased) entry created before `createdBefore` as
 * dead (`expired`), paging the file's next rows in while the window had
 * some: a bounded number of pages per call, the rest at the next call.
 */
export function expireWaiting(
  queue: PendingQueue,
  createdBefore: number,
  steps: SettleSteps,
): LeasedDelivery[] {
  const takeExpired = (): PendingEntry[] =>
    queue.waiting().filter((entry) => entry.createdAt < createdBefore);
  return settleWaiting(queue, takeExpired, "expired", steps, {
    maxPages: MAX_EXPIRY_PAGES,
    stopWhenNone: true,
  });
}

/**
 * Settles what `take` picks from the window, then pages the file in and
 * takes again, until the backlog is empty, `maxPages` were read, or (with
 * `stopWhenNone`) a window had nothing to take.
 */
function settleWaiting(
  queue: PendingQueue,
  take: () => PendingEntry[],
  reason: DeadReason,
  steps: SettleSteps,
  bound: { readonly maxPages: number; readonly stopWhenNone: boolean },
): LeasedDelivery[] {
  const victims: LeasedDelivery[] = [];
  for (let page = 0; page < bound.maxPages; page++) {
    const taken = take();
    for (const entry of taken) {
      steps.settle(entry, reason);
      victims.push(toLeased(entry));
    }
    if ((bound.stopWhenNone && taken.length === 0) || queue.backlog.count === 0) break;
    steps.refill();
  }
  return victims;
}
