/**
 * What a PostgresStore owes the database: new rows, new states of older
 * rows and attempt records, committed in batches of one statement each.
 * Entries are live objects, so a batch writes each row's state as of the
 * batch (a row enqueued and settled in one tick is written once), and a
 * batch that failed is simply written again later.
 *
 * @module
 */
import type { AttemptRecord } from "../store/delivery-store";
import type { Statement } from "./database-thread";
import type { WindowEntry } from "./window-entry";

/** One batch, taken out of the buffer while it is being committed. */
export interface Batch {
  readonly inserts: WindowEntry[];
  readonly updates: WindowEntry[];
  readonly attempts: [string, AttemptRecord][];
  readonly notify: string[];
}

export class WriteBuffer {
  private inserts = new Map<string, WindowEntry>();
  private updates = new Map<string, WindowEntry>();
  private attempts: [string, AttemptRecord][] = [];
  private notifications = new Set<string>();
  /** Called for each new row as its batch is taken (its body is made then, off the emitter's stack). */
  onTake: ((entry: WindowEntry) => void) | undefined;
  /** Ids settled here whose state is not committed yet: a refill must not bring them back. */
  readonly settling = new Set<string>();

  /** New rows waiting for their first commit. */
  get newRows(): number {
    return this.inserts.size;
  }

  get empty(): boolean {
    return (
      this.inserts.size === 0 &&
      this.updates.size === 0 &&
      this.attempts.length === 0 &&
      this.notifications.size === 0
    );
  }

  insert(entry: WindowEntry): void {
    this.inserts.set(entry.id, entry);
  }

  /** The entry's state changed; its row is written with the next batch. */
  update(entry: WindowEntry): void {
    if (entry.status !== "pending") this.settling.add(entry.id);
    if (!this.inserts.has(entry.id)) this.updates.set(entry.id, entry);
  }

  attempt(id: string, attempt: AttemptRecord): void {
    this.attempts.push([id, attempt]);
  }

  /** A notification to send when the batch commits (`i:<endpoint>` for its owner). */
  notify(payload: string): void {
    this.notifications.add(payload);
  }

  take(): Batch {
    if (this.onTake !== undefined) for (const entry of this.inserts.values()) this.onTake(entry);
    const batch: Batch = {
      inserts: [...this.inserts.values()],
      updates: [...this.updates.values()],
      attempts: this.attempts,
      notify: [...this.notifications],
    };
    this.inserts = new Map();
    this.updates = new Map();
    this.attempts = [];
    this.notifications = new Set();
    return batch;
  }

  /** The batch is in the database: its settled rows no longer need guarding. */
  committed(batch: Batch): void {
    for (const entry of batch.updates)
      if (!this.updates.has(entry.id)) this.settling.delete(entry.id);
    for (const entry of batch.inserts)
      if (entry.status !== "pending" && !this.updates.has(entry.id)) this.settling.delete(entry.id);
  }

  /** The batch failed: everything in it is owed again, ahead of what came since. */
  restore(batch: Batch): void {
    const inserts = new Map(batch.inserts.map((entry) => [entry.id, entry]));
    for (const [id, entry] of this.inserts) inserts.set(id, entry);
    this.inserts = inserts;
    for (const entry of batch.updates)
      if (!this.inserts.has(entry.id)) this.updates.set(entry.id, entry);
    for (const id of this.inserts.keys()) this.updates.delete(id);
    this.attempts = batch.attempts.concat(this.attempts);
    for (const payload of batch.notify) this.notifications.add(payload);
  }
}

/**
 * The batch as the one commit statement's parameters; `holds(id)` says which
 * new rows `owner` holds in a window, and so names as their holder.
 */
export function commitStatement(
  text: string,
  channel: string,
  owner: string,
  batch: Batch,
  holds: (id: string) => boolean,
): Statement {
  const ins = columns(11);
  const bodies: Uint8Array[] = [];
  const starts: number[] = [];
  const lengths: number[] = [];
  let offset = 0;
  const types: (string | null)[] = [];
  const headers: (string | null)[] = [];
  const held: boolean[] = [];
  for (const e of batch.inserts) {
    held.push(holds(e.id));
    const body = e.body ?? new Uint8Array(0);
    bodies.push(body);
    starts.push(offset);
    lengths.push(body.length);
    offset += body.length;
    push(ins, e.id, e.endpointId, e.eventName, null, e.status);
    push(ins.slice(5), e.attempts, e.seriesStart, e.createdAt, e.nextAttemptAt ?? null);
    push(ins.slice(9), e.settledAt ?? null, e.deadReason ?? null);
    types.push(e.contentType ?? null);
    headers.push(e.headers === undefined ? null : JSON.stringify(e.headers));
  }
  const upd = columns(7);
  for (const e of batch.updates) {
    push(upd, e.id, e.status, e.attempts, e.seriesStart, e.nextAttemptAt ?? null);
    push(upd.slice(5), e.settledAt ?? null, e.deadReason ?? null);
  }
  const att = columns(8);
  for (const [id, a] of batch.attempts) {
    push(att, id, a.attempt, a.startedAt, Math.round(a.durationMs), a.status ?? null);
    push(att.slice(5), a.errorKind ?? null, a.errorMessage ?? null, a.responseBody ?? null);
  }
  ins[3] = Buffer.concat(bodies, offset) as unknown as unknown[];
  // $29 to $34, added to the statement after the first 28.
  const later = [starts, lengths, types, headers, held, owner];
  return {
    text,
    values: [...ins, ...upd, ...att, channel, batch.notify, ...later],
  };
}

function columns(n: number): unknown[][] {
  return Array.from({ length: n }, () => []);
}

function push(target: unknown[][], ...values: unknown[]): void {
  for (let i = 0; i < values.length; i++) (target[i] as unknown[]).push(values[i]);
}
