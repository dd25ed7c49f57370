/**
 * `EventBus`: a typed, synchronous-first event bus with per-handler error
 * isolation.
 *
 * @module
 */
import { logHandlerError } from "./log-handler-error";
import type { PipelineEvents } from "./pipeline-events";
import { assertKnownKeys } from "./strict-options";
import type {
  AnyEventHandler,
  BusEvent,
  ErrorContext,
  ErrorHandler,
  EventBusOptions,
  EventHandler,
  EventInput,
  EventName,
  OnceOptions,
  Unsubscribe,
} from "./types";

type Listener = (event: unknown) => unknown;
/** `onError` with the event map erased, for the internals that only pass values through. */
type ErasedErrorHandler = (error: unknown, context: { event: unknown; handler: Listener }) => void;

interface Subscription {
  readonly fn: Listener;
  /** Global subscription order, so typed and `onAny` handlers interleave correctly. */
  readonly seq: number;
}

const NO_LISTENERS: readonly Listener[] = Object.freeze([]);
const SETTLED: Promise<void> = Promise.resolve();
const noop = (): void => {};

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function" || typeof value === "object") return typeof value;
  return `${typeof value} ${String(value)}`;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/**
 * The handlers of both lists in subscription order. Runs on subscribe and
 * unsubscribe only, never per event; both lists are already in `seq` order,
 * which the sort detects, so this stays close to a linear merge.
 */
function mergeBySeq(a: readonly Subscription[], b: readonly Subscription[]): Listener[] {
  return [...a, ...b].sort((x, y) => x.seq - y.seq).map((sub) => sub.fn);
}

/**
 * A typed event bus. `Events` maps each event name to the type of its `data`;
 * the default is the Attesta pipeline ({@link PipelineEvents}).
 *
 * - Handlers run in the order they subscribed (`onAny` handlers included).
 * - A handler that throws or rejects never stops the others and never makes
 *   `emit` / `emitAsync` throw or reject: its error goes to `onError`
 *   (default: {@link logHandlerError}).
 * - The handlers an event reaches are fixed when `emit` starts: subscribing or
 *   unsubscribing from inside a handler affects the next event, not this one.
 * - No Node built-ins and no dependencies: it runs in Node, browsers, Deno,
 *   Bun and edge runtimes.
 *
 * @example
 * ```ts
 * import { EventBus, EventType } from "@attesta/events";
 *
 * const bus = new EventBus();
 * bus.on(EventType.DENIED, (event) => {
 *   console.log(`${event.data.action_name} denied (risk ${event.data.risk_score})`);
 * });
 * bus.emit({
 *   type: EventType.DENIED,
 *   data: { agent_id: "agent-7", action_name: "delete_repo", risk_score: 0.93, risk_level: "critical" },
 * });
 * ```
 *
 * @example Your own events
 * ```ts
 * import { EventBus } from "@attesta/events";
 *
 * interface ShopEvents {
 *   "order.placed": { order_id: string; total_cents: number };
 *   "order.shipped": { order_id: string; carrier: string };
 * }
 * const shop = new EventBus<ShopEvents>();
 * shop.on("order.placed", (event) => console.log(event.data.total_cents));
 * ```
 */
export class EventBus<Events extends object = PipelineEvents> {
  /** `options.onError`, or {@link logHandlerError} when none was given. */
  private readonly onError: ErrorHandler<Events>;
  /** Typed subscriptions per event name, in subscription order. */
  private readonly typed = new Map<string, Subscription[]>();
  private anySubs: Subscription[] = [];
  /**
   * What `emit` iterates, per event name that has typed handlers: the typed and
   * `onAny` handlers merged in subscription order. Never mutated once built,
   * so a dispatch in progress keeps its snapshot without copying per emit.
   */
  private readonly dispatch = new Map<string, readonly Listener[]>();
  /** What `emit` iterates for names without typed handlers. */
  private anyDispatch: readonly Listener[] = NO_LISTENERS;
  private nextSeq = 0;

  /**
   * @param options - `onError` receives the errors of failing handlers
   *   (default: {@link logHandlerError}).
   * @throws TypeError when `options` or `options.onError` has the wrong type.
   */
  constructor(options: EventBusOptions<Events> = {}) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `@attesta/events: EventBus options must be an object; got ${describe(options)}. ` +
          "Fix: pass { onError } or nothing.",
      );
    }
    assertKnownKeys(options, ["onError"], "new EventBus(options)");
    const { onError } = options;
    if (onError !== undefined && typeof onError !== "function") {
      throw new TypeError(
        `@attesta/events: options.onError must be a function; got ${describe(onError)}. ` +
          "Fix: pass (error, { event, handler }) => { … } or leave it out to log to console.error.",
      );
    }
    this.onError = onError ?? logHandlerError;
  }

  /**
   * Calls `handler` for every event named `type`, after the handlers that
   * subscribed before it. Subscribing the same function twice calls it twice.
   *
   * @returns A function that removes this subscription (and only this one).
   * @throws TypeError when `type` is not a string or `handler` not a function.
   *
   * @example
   * ```ts
   * import { EventBus, EventType } from "@attesta/events";
   *
   * const bus = new EventBus();
   * const stop = bus.on(EventType.ESCALATED, (event) => console.log(event.data.escalated_to));
   * stop();
   * ```
   */
  on<K extends EventName<Events>>(type: K, handler: EventHandler<Events, K>): Unsubscribe {
    checkType(type, "on");
    checkHandler(handler, "on", type);
    const sub: Subscription = { fn: handler as Listener, seq: this.nextSeq++ };
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

  /**
   * Removes every subscription of `handler` to `type`. Unknown handlers are
   * ignored. It does not touch `onAny` subscriptions (see {@link offAny}).
   *
   * @example
   * ```ts
   * import { EventBus, EventType, type EventHandler, type PipelineEvents } from "@attesta/events";
   *
   * const bus = new EventBus();
   * const handler: EventHandler<PipelineEvents, "approved"> = (event) => console.log(event.data);
   * bus.on(EventType.APPROVED, handler);
   * bus.off(EventType.APPROVED, handler);
   * ```
   */
  off<K extends EventName<Events>>(type: K, handler: EventHandler<Events, K>): void {
    const subs = this.typed.get(type);
    if (subs === undefined) return;
    const kept = subs.filter((sub) => sub.fn !== handler);
    if (kept.length === subs.length) return;
    this.typed.set(type, kept);
    this.rebuild(type);
  }

  /**
   * Calls `handler` for every event, whatever its name, in subscription order
   * with the typed handlers. The event is a union discriminated by `type`.
   *
   * @returns A function that removes this subscription.
   *
   * @example
   * ```ts
   * import { EventBus } from "@attesta/events";
   *
   * const bus = new EventBus();
   * const stop = bus.onAny((event) => console.log(event.type, event.timestamp));
   * stop();
   * ```
   */
  onAny(handler: AnyEventHandler<Events>): Unsubscribe {
    checkHandler(handler, "onAny");
    const sub: Subscription = { fn: handler as Listener, seq: this.nextSeq++ };
    this.anySubs = [...this.anySubs, sub];
    this.rebuildAll();
    return () => {
      const at = this.anySubs.indexOf(sub);
      if (at === -1) return;
      this.anySubs = this.anySubs.filter((other) => other !== sub);
      this.rebuildAll();
    };
  }

  /**
   * Removes every `onAny` subscription of `handler`.
   *
   * @example
   * ```ts
   * import { EventBus, type AnyEventHandler, type PipelineEvents } from "@attesta/events";
   *
   * const bus = new EventBus();
   * const audit: AnyEventHandler<PipelineEvents> = (event) => console.log(event.type);
   * bus.onAny(audit);
   * bus.offAny(audit);
   * ```
   */
  offAny(handler: AnyEventHandler<Events>): void {
    const kept = this.anySubs.filter((sub) => sub.fn !== handler);
    if (kept.length === this.anySubs.length) return;
    this.anySubs = kept;
    this.rebuildAll();
  }

  /**
   * Resolves with the next event named `type` (that passes `options.filter`).
   * The listener removes itself once it resolves. With `options.signal`, the
   * promise rejects with the signal's reason when it aborts.
   *
   * The promise stays pending until such an event arrives; `clear()` removes
   * the listener without settling it, so pass a `signal` to bound the wait.
   *
   * @example
   * ```ts
   * import { EventBus, EventType } from "@attesta/events";
   *
   * const bus = new EventBus();
   * const next = bus.once(EventType.CHALLENGE_COMPLETED);
   * bus.emit({
   *   type: EventType.CHALLENGE_COMPLETED,
   *   data: { agent_id: "a1", action_name: "deploy", challenge_id: "ch-1", challenge_type: "confirm", passed: true },
   * });
   * console.log((await next).data.passed); // true
   * ```
   */
  once<K extends EventName<Events>>(
    type: K,
    options: OnceOptions<Events, K> = {},
  ): Promise<BusEvent<Events, K>> {
    checkType(type, "once");
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `@attesta/events: once(type, options) needs an object as options; got ${describe(options)}. ` +
          "Fix: pass { filter?, signal? } or nothing.",
      );
    }
    assertKnownKeys(options, ["filter", "signal"], "once(type, options)");
    const { filter, signal } = options;
    if (filter !== undefined && typeof filter !== "function") {
      throw new TypeError(
        `@attesta/events: once options.filter must be a function; got ${describe(filter)}. ` +
          "Fix: pass (event) => boolean or leave it out.",
      );
    }
    if (
      signal !== undefined &&
      (signal === null || typeof signal.addEventListener !== "function")
    ) {
      throw new TypeError(
        `@attesta/events: once options.signal must be an AbortSignal; got ${describe(signal)}. ` +
          "Fix: pass controller.signal or AbortSignal.timeout(ms), or leave it out.",
      );
    }
    return new Promise<BusEvent<Events, K>>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      // Only ever registered on `signal`, so it is defined whenever this runs.
      const onAbort = (): void => {
        unsubscribe();
        reject(signal?.reason);
      };
      const unsubscribe = this.on(type, (event) => {
        if (filter !== undefined && !filter(event)) return;
        unsubscribe();
        signal?.removeEventListener("abort", onAbort);
        resolve(event);
      });
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * Delivers an event synchronously to its handlers, in subscription order,
   * and returns when they have all run. `timestamp` defaults to `Date.now()`;
   * an event that already has one is passed on as the same object.
   *
   * A handler that throws is reported to `onError` and the next handler runs.
   * A handler that returns a promise is not awaited (use {@link emitAsync}),
   * but its rejection is still caught and reported, so it never becomes an
   * unhandled rejection.
   *
   * @example
   * ```ts
   * import { EventBus, EventType } from "@attesta/events";
   *
   * const bus = new EventBus();
   * bus.emit({
   *   type: EventType.RISK_SCORED,
   *   data: { agent_id: "a1", action_name: "send_email", risk_score: 0.2, risk_level: "low" },
   * });
   * ```
   */
  emit(event: EventInput<Events>): void {
    const stamped = event.timestamp === undefined ? stamp(event) : event;
    const listeners = this.dispatch.get(event.type) ?? this.anyDispatch;
    // An indexed loop: with the try/catch inside, for-of costs an iterator per emit.
    for (let i = 0; i < listeners.length; i++) {
      const fn = listeners[i] as Listener;
      try {
        const result = fn(stamped);
        // Not awaited on purpose (emit is synchronous); the promise it returns never rejects.
        if (result !== undefined && isThenable(result))
          void this.reportRejection(result, stamped, fn);
      } catch (error) {
        this.callOnError(error, stamped, fn);
      }
    }
  }

  /**
   * Like {@link emit}, then waits for the promises the handlers returned. The
   * handlers start in subscription order without waiting for each other; the
   * returned promise fulfils once every one of them has settled, and never
   * rejects: rejections go to `onError` before it fulfils.
   *
   * @example
   * ```ts
   * import { EventBus, EventType } from "@attesta/events";
   *
   * const bus = new EventBus();
   * const saved: string[] = [];
   * bus.on(EventType.AUDIT_LOGGED, async (event) => {
   *   await new Promise((resolve) => setTimeout(resolve, 5));
   *   saved.push(event.data.audit_id);
   * });
   * await bus.emitAsync({
   *   type: EventType.AUDIT_LOGGED,
   *   data: { agent_id: "a1", action_name: "deploy", audit_id: "au-1", verdict: "approved", risk_score: 0.1, risk_level: "low" },
   * });
   * console.log(saved); // ["au-1"]
   * ```
   */
  emitAsync(event: EventInput<Events>): Promise<void> {
    const stamped = event.timestamp === undefined ? stamp(event) : event;
    const listeners = this.dispatch.get(event.type) ?? this.anyDispatch;
    // Returned thenables by listener index, so a rejection can be traced back
    // to its handler without allocating anything per handler up front.
    let returned: (PromiseLike<unknown> | undefined)[] | undefined;
    let count = 0;
    let lastResult: PromiseLike<unknown> | undefined;
    let lastHandler: Listener = noop;
    let index = 0;
    for (const fn of listeners) {
      const at = index++;
      try {
        const result = fn(stamped);
        if (result !== undefined && isThenable(result)) {
          returned ??= new Array<PromiseLike<unknown> | undefined>(listeners.length);
          returned[at] = result;
          count++;
          lastResult = result;
          lastHandler = fn;
        }
      } catch (error) {
        this.callOnError(error, stamped, fn);
      }
    }
    if (returned === undefined || lastResult === undefined) return SETTLED;
    if (count === 1) return this.reportRejection(lastResult, stamped, lastHandler);
    return settleAll(this.erasedOnError(), stamped, listeners, returned, count);
  }

  /**
   * Removes the handlers of `type`, or every handler (`onAny` included) when
   * called without arguments. Pending `once` promises of removed listeners
   * stay pending.
   *
   * @example
   * ```ts
   * import { EventBus, EventType } from "@attesta/events";
   *
   * const bus = new EventBus();
   * bus.on(EventType.APPROVED, () => {});
   * bus.clear(EventType.APPROVED); // only "approved" handlers
   * bus.clear(); // everything
   * ```
   */
  clear(type?: EventName<Events>): void {
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

  /**
   * With `type`: how many handlers an event named `type` reaches (its own
   * handlers plus the `onAny` handlers). Without: every subscription on the
   * bus.
   *
   * @example
   * ```ts
   * import { EventBus, EventType } from "@attesta/events";
   *
   * const bus = new EventBus();
   * bus.on(EventType.APPROVED, () => {});
   * bus.onAny(() => {});
   * bus.listenerCount(EventType.APPROVED); // 2
   * bus.listenerCount(EventType.DENIED); // 1
   * bus.listenerCount(); // 2
   * ```
   */
  listenerCount(type?: EventName<Events>): number {
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

  /**
   * Waits for a handler's promise and passes its rejection, if any, to
   * `onError`. The returned promise always fulfils, after that call.
   */
  private reportRejection(
    result: PromiseLike<unknown>,
    event: unknown,
    fn: Listener,
  ): Promise<void> {
    return Promise.resolve(result).then(noop, (error: unknown) =>
      this.callOnError(error, event, fn),
    );
  }

  private callOnError(error: unknown, event: unknown, handler: Listener): void {
    callOnError(this.erasedOnError(), error, event, handler);
  }

  private erasedOnError(): ErasedErrorHandler {
    // Sound: onError is only ever called with an event this bus emitted and the handler it ran.
    return this.onError as unknown as ErasedErrorHandler;
  }
}

/** Calls `onError`; if that throws too, logs its failure instead of letting it escape. */
function callOnError(
  onError: ErasedErrorHandler,
  error: unknown,
  event: unknown,
  handler: Listener,
): void {
  const context = { event, handler };
  try {
    onError(error, context);
  } catch (onErrorFailure) {
    logHandlerError(onErrorFailure, context as unknown as ErrorContext<object>);
  }
}

/**
 * Waits for the promises of one `emitAsync` call. Every promise gets the same
 * two callbacks, so the usual all-fulfilled path allocates no closure per
 * handler. The first rejection switches to attributing: each promise then gets
 * its own rejection callback so `onError` learns which handler failed, and the
 * returned promise fulfils only after those reports.
 */
function settleAll(
  onError: ErasedErrorHandler,
  event: unknown,
  listeners: readonly Listener[],
  returned: (PromiseLike<unknown> | undefined)[],
  count: number,
): Promise<void> {
  let pending = count;
  let attributing = false;
  let resolve: () => void = noop;
  const onSettled = (): void => {
    if (--pending === 0 && !attributing) resolve();
  };
  const onRejected = (): void => {
    if (attributing) return;
    attributing = true;
    const reports: PromiseLike<void>[] = [];
    for (let i = 0; i < returned.length; i++) {
      const promise = returned[i];
      const handler = listeners[i];
      if (promise === undefined || handler === undefined) continue;
      reports.push(
        promise.then(noop, (error: unknown) => callOnError(onError, error, event, handler)),
      );
    }
    void Promise.all(reports).then(() => resolve());
  };
  for (let i = 0; i < returned.length; i++) {
    const result = returned[i];
    if (result === undefined) continue;
    // Adopt foreign thenables once, so attribution does not call their `then` again.
    const promise = Promise.resolve(result);
    returned[i] = promise;
    promise.then(onSettled, onRejected);
  }
  return new Promise<void>((fulfil) => {
    resolve = fulfil;
  });
}

function stamp(event: { type: string; data?: unknown }): {
  type: string;
  timestamp: number;
  data: unknown;
} {
  return { type: event.type, timestamp: Date.now(), data: event.data };
}

function checkType(type: unknown, method: string): void {
  if (typeof type !== "string") {
    throw new TypeError(
      `@attesta/events: ${method}(type, …) needs an event name string as type; got ${describe(type)}. ` +
        'Fix: pass a name such as EventType.APPROVED ("approved").',
    );
  }
}

function checkHandler(handler: unknown, method: string, type?: string): void {
  if (typeof handler !== "function") {
    const target = type === undefined ? "every event" : `each "${type}" event`;
    throw new TypeError(
      `@attesta/events: ${method}(${type === undefined ? "" : "type, "}handler) needs a function as handler; ` +
        `got ${describe(handler)}. Fix: pass the function to call for ${target}.`,
    );
  }
}
