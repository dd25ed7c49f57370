/**
 * What the SQLite store does with how its commits end: a lost lock reported
 * per lost batch, a failing disk reported once per stretch and retried until
 * it recovers, and the bound of what waits in memory for the disk meanwhile.
 *
 * @module
 */

import type { SqliteStoreError } from "../errors";
import type { StoreContext } from "../store/delivery-store";
import { FailingStretch } from "./failing-stretch";
import type { StoreWriter } from "./store-writer";

export class CommitOutcomes {
  private readonly stretch: FailingStretch;
  private readonly maxUncommitted: number;
  private fenceReported = false;
  /** Deliveries held in memory for the disk since the current stretch began. */
  private held = 0;
  /** The cause of the current stretch of failing commits. */
  private lastFailure: SqliteStoreError | undefined;

  /** `retry` commits again (heartbeat included); it runs on the stretch's timer. */
  constructor(retry: () => void, maxUncommitted: number) {
    this.stretch = new FailingStretch(retry);
    this.maxUncommitted = maxUncommitted;
  }

  /** Whether the last commit failed on the disk and the store is retrying. */
  get failing(): boolean {
    return this.stretch.failing;
  }

  /** Whether one more event may wait in memory: always, unless the disk fails and the bound is reached. */
  admit(): boolean {
    if (!this.stretch.failing) return true;
    if (this.held >= this.maxUncommitted) return false;
    this.held++;
    return true;
  }

  /** Reports how a commit ended (`failure` undefined: it succeeded). */
  ended(
    context: StoreContext,
    writer: StoreWriter,
    failure: SqliteStoreError | undefined,
    lost: number,
  ): void {
    if (failure === undefined) {
      const since = this.stretch.succeeded();
      if (since === undefined) return;
      context.onStoreRecovered?.(since);
      context.wake?.();
      return;
    }
    if (failure.code === "lock_lost") {
      // A fenced store reports each lost batch, not every heartbeat.
      if (lost === 0 && this.fenceReported) return;
      this.fenceReported = true;
      context.onCommitError(failure, lost);
      return;
    }
    this.lastFailure = failure;
    if (!this.stretch.failed(context.now())) return;
    this.held = writer.uncommitted;
    if (context.onStoreFailing === undefined) context.onCommitError(failure, 0);
    else context.onStoreFailing(failure, writer.uncommitted);
  }

  /** The store closes after its last commit: what the disk never took is lost now, and said so. */
  closed(context: StoreContext, writer: StoreWriter): void {
    const uncommitted = writer.uncommitted;
    if (this.lastFailure !== undefined && this.stretch.failing && uncommitted > 0)
      context.onCommitError(this.lastFailure, uncommitted);
    this.stretch.stop();
  }

  /** Stops the retry timer. */
  stop(): void {
    this.stretch.stop();
  }
}
