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
import type { OpenSqliteStore } from "./open-store";
import type { PendingDeliveries } from "./pending-deliveries";
import { lateAttemptState, pendingState } from "./row-state";
import { CommitFailure } from "./store-writer";

/** What one write of the buffer did. */
export interface BufferWrite {
  /** Deliveries whose payload could not be built, now dead in the buffer. */
  readonly unserializable: readonly Unserializable[];
  /** The failure to report, if the write failed or the file is fenced. */
  readonly failure: SqliteStoreError | undefined;
  /** Deliveries that were not written and could not be kept in memory. */
  readonly lost: number;
  /** The file belongs to another process now: later commits discard. */
  readonly fenced: boolean;
}

/**
 * Builds the payloads of what was emitted since the last commit and writes
 * the buffer, or discards it when the store is fenced. Nothing it meets is
 * thrown: a failed write keeps its batch in the writer, to be retried in
 * order, and comes back as the failure to report. Only a lost lock hands the
 * entries that went to the file alone back to `pending`, which keeps them in
 * memory from then on.
 */
export function writeBuffered(
  parts: OpenSqliteStore,
  pending: PendingDeliveries,
  store: {
    readonly fenced: boolean;
    readonly lockLost: () => SqliteStoreError;
    readonly path: string;
  },
): BufferWrite {
  let unserializable: Unserializable[] = [];
  let failure: SqliteStoreError | undefined;
  let lost = 0;
  let fenced = store.fenced;
  try {
    unserializable = pending.materialize();
    if (fenced) {
      lost = parts.writer.discard();
      failure = store.lockLost();
    } else parts.writer.commit(parts.context.now());
  } catch (error) {
    const commitFailure = error instanceof CommitFailure ? error : undefined;
    lost = commitFailure?.lost ?? 0;
    if (commitFailure?.lockLost) {
      fenced = true;
      pending.keepInMemory(commitFailure.entries);
    }
    failure = commitFailure?.lockLost
      ? store.lockLost()
      : sqliteFailure(store.path, commitFailure?.error ?? error, "write to");
  }
  return { unserializable, failure, lost, fenced };
}

/**
 * Hands each delivery that died as unserializable, with its error and event,
 * to the store context. A read that fails (the disk is failing) skips the
 * report rather than throwing into a timer.
 */
export function reportUnserializable(
  parts: OpenSqliteStore,
  unserializable: readonly Unserializable[],
): void {
  for (const [entry, error, event] of unserializable) {
    let record: ReturnType<OpenSqliteStore["reader"]["get"]>;
    try {
      record = parts.reader.get(entry.id);
    } catch {
      continue;
    }
    if (record !== undefined) parts.context.onUnserializable(record, error, event);
  }
}

/**
 * An attempt for a delivery no longer pending here (abandoned while in
 * flight): recorded, and a success still counts.
 */
export function recordLateAttempt(
  parts: OpenSqliteStore,
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
 * Makes a delivered or dead delivery pending again under its id; false when
 * the file does not hold it, it is pending, or its payload could not be
 * built (data not JSON, or the endpoint's format function failed).
 */
export function requeueSettled(
  parts: OpenSqliteStore,
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
export function resumePending(
  parts: OpenSqliteStore,
  pending: PendingDeliveries,
  path: string,
): void {
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
export function releaseFile(parts: OpenSqliteStore): void {
  parts.integrity.stop();
  try {
    parts.lock.release();
  } finally {
    parts.db.close();
  }
}
