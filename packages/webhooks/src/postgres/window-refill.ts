/**
 * Pages an owned endpoint's pending rows into its window, oldest first, as
 * the window drains, when another process notifies new rows, and on every
 * poll (notifications can be lost). A row records the process that holds it
 * in memory (`holder`): a refill takes only rows no process holds and marks
 * them held, so it sends no list of what the window has and costs the rows it
 * brings, whatever the window's size. A process that becomes the endpoint's
 * owner first frees the rows others held (`takeOver`): a killed owner's, or
 * its own from before it lost the lease. Both run on the database thread
 * after every batch sent before them.
 *
 * @module
 */
import type { DatabaseThread, Statement } from "./database-thread";
import type { EndpointWindow } from "./endpoint-window";
import { entryFromRow, type WindowEntry } from "./window-entry";
import type { WriteBuffer } from "./write-buffer";

export interface WindowRefillDeps {
  readonly thread: DatabaseThread;
  readonly queries: { readonly refill: string; readonly takeOver: string };
  /** This process's name as an owner and holder. */
  readonly owner: string;
  readonly buffer: WriteBuffer;
  readonly byId: Map<string, WindowEntry>;
  now(): number;
  /** The window's bound: the endpoint's `maxQueueSize`. */
  room(window: EndpointWindow): number;
  /** New entries are in a window. */
  filled(): void;
}

export class WindowRefill {
  constructor(private readonly parts: WindowRefillDeps) {}

  /**
   * Starts a refill unless one is under way or the window is full; failures
   * wait for the next poll. A take-over that is due goes first (and stays due
   * until one commits, so no row is left held by a process that lost it).
   */
  refill(window: EndpointWindow): void {
    const room = this.parts.room(window);
    if (window.refilling || !window.owned || room <= 0) return;
    window.refilling = true;
    const takeOver = window.takeOverDue;
    // Applied as the answer is taken in: a synchronous refill after this one applies it first.
    this.parts.thread.submit(this.statements(window, room, takeOver), (error, results) => {
      window.refilling = false;
      if (error !== undefined) return;
      if (takeOver) window.takeOverDue = false;
      if (this.apply(window, results.at(-1) ?? [], room) > 0) this.parts.filled();
      // Became due while this refill was in flight: the next one frees those rows.
      if (window.takeOverDue) this.refill(window);
    });
  }

  /** The endpoint just became this process's: frees what others held, then refills. */
  takeOver(window: EndpointWindow): void {
    window.takeOverDue = true;
    this.refill(window);
  }

  /** Fills the window on the caller's stack (the endpoint's first use); throws on failure. */
  refillSync(window: EndpointWindow): void {
    const room = this.parts.room(window);
    if (!window.owned || room <= 0) return;
    const takeOver = window.takeOverDue;
    const results = this.parts.thread.runSync(this.statements(window, room, takeOver));
    if (takeOver) window.takeOverDue = false;
    this.apply(window, results.at(-1) ?? [], room);
  }

  /** `takeOver` on the caller's stack; throws on failure (the take-over stays due). */
  takeOverSync(window: EndpointWindow): void {
    window.takeOverDue = true;
    this.refillSync(window);
  }

  private statements(window: EndpointWindow, room: number, takeOver: boolean): Statement[] {
    const { queries, owner } = this.parts;
    const refill = { text: queries.refill, values: [window.endpointId, owner, room] };
    if (!takeOver) return [refill];
    // Kept: what is being sent, and what was settled here but is not committed yet.
    const kept = [...this.parts.buffer.settling];
    for (const entry of window.entries()) if (entry.leased) kept.push(entry.id);
    return [{ text: queries.takeOver, values: [window.endpointId, owner, kept] }, refill];
  }

  private apply(window: EndpointWindow, rows: readonly unknown[][], room: number): number {
    window.more = rows.length >= room;
    if (!window.owned) return 0;
    const { byId, buffer } = this.parts;
    const now = this.parts.now();
    let added = 0;
    for (const row of rows) {
      const id = String(row[0]);
      if (byId.has(id) || buffer.settling.has(id)) continue;
      const entry = entryFromRow(window.endpointId, row, window.nextOrder());
      byId.set(id, entry);
      window.add(entry, now);
      added++;
    }
    window.spilled = window.more ? Math.max(0, window.spilled - added) : 0;
    return added;
  }
}
