/**
 * The commits of a SqliteStore: when they run (CommitSchedule), what is done
 * with how they end (CommitOutcomes), and the one commit step itself. The
 * store owns one and asks it to commit; it never throws.
 *
 * @module
 */

import { SqliteStoreError } from "../errors";
import { CommitOutcomes } from "./commit-outcomes";
import { CommitSchedule } from "./commit-schedule";
import { sqliteFailure } from "./open-database";
import type { OpenSqliteStore } from "./open-store";
import type { PendingDeliveries } from "./pending-deliveries";
import { reportUnserializable, writeBuffered } from "./store-steps";

/** What the commits read from their store, and tell it. */
export interface StoreCommitsDeps {
  readonly path: string;
  readonly pending: PendingDeliveries;
  /** The store's open parts; undefined before open and after close. */
  parts(): OpenSqliteStore | undefined;
  /** Whether another process owns the file now. */
  fenced(): boolean;
  /** A commit found that another process owns the file now. */
  fence(): void;
  lockLost(): SqliteStoreError;
}

export class StoreCommits {
  private readonly host: StoreCommitsDeps;
  private readonly schedule = new CommitSchedule(() => this.commit(false));
  private readonly outcomes: CommitOutcomes;

  constructor(host: StoreCommitsDeps, maxUncommitted: number) {
    this.host = host;
    this.outcomes = new CommitOutcomes(() => this.commit(true, true), maxUncommitted);
  }

  /** Whether the last commit failed (disk full, I/O error, read-only file) and the store is retrying. */
  get failing(): boolean {
    return this.outcomes.failing;
  }

  /**
   * Whether nothing may be sent: while commits fail no attempt could be
   * recorded (a delivery is on disk before its first attempt; a recovery
   * wakes the scheduler), and nothing is sent from a file found damaged.
   */
  get paused(): boolean {
    return this.outcomes.failing || this.host.parts()?.integrity.corrupt === true;
  }

  /** Whether one more event may wait in memory (see CommitOutcomes.admit). */
  admit(): boolean {
    return this.outcomes.admit();
  }

  /** Commits on a coming turn of the event loop (see CommitSchedule.soon). */
  soon(): void {
    this.schedule.soon();
  }

  /** Commits attempt records within a few milliseconds (see CommitSchedule.settleLater). */
  settleLater(): void {
    this.schedule.settleLater();
  }

  /** Resolves once everything buffered now is committed. */
  persisted(): Promise<void> {
    if (this.host.parts() === undefined || this.clean) return Promise.resolve();
    return this.schedule.wait();
  }

  /**
   * `heartbeat` commits even an empty buffer, refreshing the owner row. While
   * commits fail, only the retry timer (`retry`) and close try again, so a
   * stream of emits does not replay the held batch on every tick. Never throws.
   */
  commit(heartbeat: boolean, retry = false): void {
    this.schedule.starting();
    const parts = this.host.parts();
    if (parts === undefined || (this.clean && !heartbeat)) {
      this.schedule.done();
      return;
    }
    if (this.outcomes.failing && !retry) return;
    const { unserializable, failure, lost, fenced } = writeBuffered(parts, this.host.pending, {
      fenced: this.host.fenced(),
      lockLost: () => this.host.lockLost(),
      path: this.host.path,
    });
    if (fenced) this.host.fence();
    this.schedule.done(failure);
    this.outcomes.ended(parts.context, parts.writer, failure, lost);
    reportUnserializable(parts, unserializable);
  }

  /** Commits what is buffered, if anything is. */
  flushAll(): void {
    if (!this.clean) this.commit(false);
  }

  /** Background work (pruning, redelivery requests) failed on the file: a failing stretch like a commit's. */
  maintenanceFailed(error: unknown): void {
    const parts = this.host.parts();
    if (parts === undefined) return;
    const failure =
      error instanceof SqliteStoreError ? error : sqliteFailure(this.host.path, error, "write to");
    this.outcomes.ended(parts.context, parts.writer, failure, 0);
  }

  /**
   * The store closes: one last try, retry timer stopped. When it failed,
   * what never reached the file goes with this process.
   */
  last(parts: OpenSqliteStore): void {
    this.outcomes.stop();
    this.commit(false, true);
    this.outcomes.closed(parts.context, parts.writer);
  }

  /** True when nothing waits to be written. */
  get clean(): boolean {
    return !this.host.pending.hasBuffered && (this.host.parts()?.writer.empty ?? true);
  }
}
