/**
 * The subscriptions of one `EventBus`, and the handler lists `emit` walks:
 * rebuilt on subscribe and unsubscribe, never per event.
 *
 * @module
 */

/** A handler with its event type erased: the registry only stores and returns it. */
export type Listener = (event: unknown) => unknown;

interface Subscription {
  readonly fn: Listener;
  /** Global subscription order, so typed and `onAny` handlers interleave correctly. */
  readonly seq: number;
}

const NO_LISTENERS: readonly Listener[] = Object.freeze([]);

/**
 * The handlers of both lists in subscription order. Runs on subscribe and
 * unsubscribe only, never per event; both lists are already in `seq` order,
 * which the sort detects, so this stays close to a linear merge.
 */
function mergeBySeq(a: readonly Subscription[], b: readonly Subscription[]): Listener[] {
  return [...a, ...b].sort((x, y) => x.seq - y.seq).map((sub) => sub.fn);
}

/**
 * Typed and `onAny` subscriptions in subscription order, and per event name
 * the merged list `emit` iterates. A merged list is never mutated once built,
 * so a dispatch in progress keeps its snapshot without copying per emit.
 */
export class SubscriptionRegistry {
  /** Typed subscriptions per event name, in subscription order. */
  private readonly typed = new Map<string, Subscription[]>();
  private anySubs: Subscription[] = [];
  /** What `emit` iterates, per event name that has typed handlers. */
  private readonly dispatch = new Map<string, readonly Listener[]>();
  /** What `emit` iterates for names without typed handlers. */
  private anyDispatch: readonly Listener[] = NO_LISTENERS;
  private nextSeq = 0;

  /** The handlers an event named `type` reaches, in subscription order. */
  listenersFor(type: string): readonly Listener[] {
    return this.dispatch.get(type) ?? this.anyDispatch;
  }

  /** Subscribes `fn` to `type`; the returned function removes this subscription only. */
  add(type: string, fn: Listener): () => void {
    const sub: Subscription = { fn, seq: this.nextSeq++ };
    const subs = this.typed.get(type);
    if (subs === undefined) this.typed.set(type, [sub]);
    else subs.push(sub);
    this.rebuild(type);
    return () => {
      const current = this.typed.get(type);
      const at = current?.indexOf(sub) ?? -1;
      if (current === undefined || at === -1) return;
      current.splice(at, 1);
      this.rebuild(type);
    };
  }

  /** Removes every subscription of `fn` to `type`. */
  remove(type: string, fn: unknown): void {
    const subs = this.typed.get(type);
    if (subs === undefined) return;
    const kept = subs.filter((sub) => sub.fn !== fn);
    if (kept.length === subs.length) return;
    this.typed.set(type, kept);
    this.rebuild(type);
  }

  /** Subscribes `fn` to every event; the returned function removes this subscription only. */
  addAny(fn: Listener): () => void {
    const sub: Subscription = { fn, seq: this.nextSeq++ };
    this.anySubs = [...this.anySubs, sub];
    this.rebuildAll();
    return () => {
      const at = this.anySubs.indexOf(sub);
      if (at === -1) return;
      this.anySubs = this.anySubs.filter((other) => other !== sub);
      this.rebuildAll();
    };
  }

  /** Removes every `onAny` subscription of `fn`. */
  removeAny(fn: unknown): void {
    const kept = this.anySubs.filter((sub) => sub.fn !== fn);
    if (kept.length === this.anySubs.length) return;
    this.anySubs = kept;
    this.rebuildAll();
  }

  /** Removes the subscriptions of `type`, or every subscription when `type` is undefined. */
  clear(type: string | undefined): void {
    if (type !== undefined) {
      this.typed.delete(type);
      this.dispatch.delete(type);
      return;
    }
    this.typed.clear();
    this.dispatch.clear();
    this.anySubs = [];
    this.anyDispatch = NO_LISTENERS;
  }

  /** How many handlers `type` reaches, or every subscription when `type` is undefined. */
  count(type: string | undefined): number {
    if (type !== undefined) return (this.typed.get(type)?.length ?? 0) + this.anySubs.length;
    let count = this.anySubs.length;
    for (const subs of this.typed.values()) count += subs.length;
    return count;
  }

  private rebuild(type: string): void {
    const subs = this.typed.get(type);
    if (subs === undefined || subs.length === 0) {
      this.typed.delete(type);
      this.dispatch.delete(type);
      return;
    }
    this.dispatch.set(type, mergeBySeq(subs, this.anySubs));
  }

  private rebuildAll(): void {
    this.anyDispatch = this.anySubs.map((sub) => sub.fn);
    for (const type of this.typed.keys()) this.rebuild(type);
  }
}
