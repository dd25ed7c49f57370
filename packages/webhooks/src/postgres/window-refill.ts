/**
 * Pages an owned endpoint's pending rows into its window, oldest first, as
 * the window drains, when another process notifies new rows, and on every
 * poll (notifications can be lost). Rows already held and rows settled here
 * but not committed yet are skipped; the refill query runs on the database
 * thread after every batch sent before it, so it never sees a row this
 * process settled as still pending.
 *
 * @module
 */
import type { DatabaseThread } from "./database-thread";
import type { EndpointWindow } from "./endpoint-window";
import { entryFromRow, type WindowEntry } from "./window-entry";
import type { WriteBuffer } from "./write-buffer";

export interface WindowRefillDeps {
  readonly thread: DatabaseThread;
  readonly sql: string;
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

  /** Starts a refill unless one is under way or the window is full; failures wait for the next poll. */
  refill(window: EndpointWindow): void {
    const room = this.parts.room(window);
    if (window.refilling || !window.owned || room <= 0) return;
    window.refilling = true;
    this.parts.thread.run([this.statement(window, room)]).then(
      ([rows = []]) => {
        window.refilling = false;
        if (this.apply(window, rows, room) > 0) this.parts.filled();
      },
      () => {
        window.refilling = false;
      },
    );
  }

  /** Fills the window on the caller's stack (the endpoint's first use); throws on failure. */
  refillSync(window: EndpointWindow): void {
    const room = this.parts.room(window);
    if (!window.owned || room <= 0) return;
    const [rows = []] = this.parts.thread.runSync([this.statement(window, room)]);
    this.apply(window, rows, room);
  }

  private statement(window: EndpointWindow, room: number) {
    const held = [...window.entries()].map((entry) => entry.id);
    for (const id of this.parts.buffer.settling) held.push(id);
    return { text: this.parts.sql, values: [window.endpointId, held, room] };
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
