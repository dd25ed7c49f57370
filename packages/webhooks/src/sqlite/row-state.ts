/**
 * The states a delivery row is written with: pending again (a retry, a
 * redelivery), settled, or after a late attempt. The StoreWriter writes them.
 *
 * @module
 */
import type {
  AttemptRecord,
  AttemptResult,
  DeadReason,
  DeliveryStatus,
} from "../store/delivery-store";
import type { DeliveryRow } from "./delivery-reader";
import type { PendingEntry } from "./pending-entry";

/** A row's new state after an attempt, an abandon or a redelivery. */
export interface RowState {
  readonly status: DeliveryStatus;
  readonly attempts: number;
  /** Attempts made before the current series (set by a redelivery). */
  readonly seriesStart: number;
  readonly nextAttemptAt: number | null;
  readonly settledAt: number | null;
  readonly deadReason: DeadReason | null;
}

/** The state of a row that waits for its next attempt at `at` (a retry, a redelivery). */
export function pendingState(entry: PendingEntry, at: number): RowState {
  return {
    status: "pending",
    attempts: entry.attempts,
    seriesStart: entry.seriesStart,
    nextAttemptAt: at,
    settledAt: null,
    deadReason: null,
  };
}

/** The state of a row settled at `now`. */
export function settledState(
  entry: PendingEntry,
  status: "delivered" | "dead",
  reason: DeadReason | null,
  now: number,
): RowState {
  return {
    status,
    attempts: entry.attempts,
    seriesStart: entry.seriesStart,
    nextAttemptAt: null,
    settledAt: now,
    deadReason: reason,
  };
}

/**
 * The state of a row not pending in this process after a late attempt (its
 * delivery was abandoned while in flight): a success still counts.
 */
export function lateAttemptState(
  row: DeliveryRow,
  attempt: AttemptRecord,
  result: AttemptResult,
  now: number,
): RowState {
  const delivered = result.status === "delivered";
  return {
    status: delivered ? "delivered" : row.status,
    attempts: Math.max(row.attempts, attempt.attempt),
    seriesStart: row.series_start,
    nextAttemptAt: delivered ? null : row.next_attempt_at,
    settledAt: delivered ? now : row.settled_at,
    deadReason: delivered ? null : row.dead_reason,
  };
}
