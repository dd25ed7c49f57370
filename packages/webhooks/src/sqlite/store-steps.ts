/**
 * The steps a SqliteStore composes from its reader, writer and pending set:
 * resuming the pending set at open, one commit of the buffer (or, once
 * fenced, its discard) and its reports, a late attempt, and the redelivery of
 * a settled delivery.
 *
 * @module
 */
import type { SqliteStoreError } from "../errors";
import type { AttemptRecord, AttemptResult } from "../store/delivery-store";
import type { Unserializable } from "./materialize";
import { sqliteFailure } from "./open-database";
import type { OpenParts } from "./open-store";
import type { PendingDeliveries } from "./pending-deliveries";
import { CommitFailure, lateAttemptState, pendingState } from "./store-writer";

/** What one write of the buffer did. */
export interface BufferWrite {
  /** The failure to report, if the write failed or the file is fenced. */
  readonly failure: SqliteStoreError | undefined;
  /** Deliveries that were not written and could not be kept in memory. */
  readonly lost: number;
  /** The file belongs to another process now: later commits discard. */
  readonly fenced: boolean;
}

/**
 * Writes what is buffered, or discards it when the store is fenced; a commit
 * that fails hands the entries it could not write back to `pending`.
 */
export function writeBuffered(
  parts: OpenParts,
  pending: PendingDeliveries,
  store: {
    readonly fenced: boolean;
    readonly lockLost: () => SqliteStoreError;
    readonly path: string;
  },
): BufferWrite {
  let failure: SqliteStoreError | undefined;
  let lost = 0;
  let fenced = store.fenced;
  try {
    if (fenced) {
      lost = parts.writer.discard();
      failure = store.lockLost();
    } else parts.writer.commit(parts.context.now());
  } catch (error) {
    if (!(error instanceof CommitFailure)) throw error;
    lost = error.lost;
    pending.keepInMemory(error.entries);
    if (error.lockLost) fenced = true;
    failure = error.lockLost
      ? store.lockLost()
      : sqliteFailure(store.path, error.error, "write to");
  }
  return { failure, lost, fenced };
}

/** Hands each delivery that died as unserializable, with its error and event, to the store context. */
export function reportUnserializable(
  parts: OpenParts,
  unserializable: readonly Unserializable[],
): void {
  for (const [entry, error, event] of unserializable) {
    const record = parts.reader.get(entry.id);
    if (record !== undefined) parts.context.onUnserializable(record, error, event);
  }
}

/**
 * An attempt for a delivery no longer pending here (abandoned while in
 * flight): recorded, and a success still counts.
 */
export function recordLateAttempt(
  parts: OpenParts,
  id: string,
  attempt: AttemptRecord,
  result: AttemptResult,
): void {
  const { reader, writer, context } = parts;
  const row = reader.row(id);
  if (row === undefined) return;
  writer.recordAttempt(row.seq, attempt);
  writer.setState(row.seq, lateAttemptState(row, attempt, result, context.now()));
}

/**
 * Reports a failed commit to the store context; a fenced store reports each
 * lost batch, not every heartbeat. Returns whether the fence is reported now.
 */
export function reportCommitFailure(
  parts: OpenParts,
  failure: SqliteStoreError | undefined,
  lost: number,
  fenceReported: boolean,
): boolean {
  if (failure === undefined) return fenceReported;
  if (lost === 0 && failure.code === "lock_lost" && fenceReported) return true;
  parts.context.onCommitError(failure, lost);
  return fenceReported || failure.code === "lock_lost";
}

/**
 * Makes a delivered or dead delivery pending again under its id; false when
 * the file does not hold it, it is pending, or its payload could not be
 * built (data not JSON, or the endpoint's format function failed).
 */
export function requeueSettled(
  parts: OpenParts,
  pending: PendingDeliveries,
  id: string,
  now: number,
): boolean {
  const { reader, writer } = parts;
  const row = reader.row(id);
  if (row === undefined || row.status === "pending") return false;
  if (row.dead_reason === "unserializable" || row.dead_reason === "format_failed") return false;
  const entry = pending.resume(row, now, row.attempts);
  writer.setState(entry.seq, pendingState(entry, now));
  return true;
}

/**
 * Attaches the pending set to a freshly opened file and reads its counts (each
 * endpoint's window is paged in at its first lease), then checks the file
 * size against its warning threshold. A failed read closes the
 * database and throws a SqliteStoreError naming the file.
 */
export function resumePending(parts: OpenParts, pending: PendingDeliveries, path: string): void {
  pending.attach(parts, parts.lastSeq);
  try {
    pending.resumeFromFile();
    parts.sizeWatch.check(parts.context);
  } catch (error) {
    parts.db.close();
    throw sqliteFailure(path, error, "read");
  }
}

/** Releases the owner lock, then closes the database even when the release fails. */
export function releaseFile(parts: OpenParts): void {
  try {
    parts.lock.release();
  } finally {
    parts.db.close();
  }
}
