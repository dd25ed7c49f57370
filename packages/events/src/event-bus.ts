/**
 * `EventBus`: a typed, synchronous-first event bus with per-handler error
 * isolation. Subscriptions live in a SubscriptionRegistry; the promises
 * handlers return are settled by `settle-handlers.ts`; `emit` itself stays
 * here, where the hot loop is.
 *
 * @module
 */
import { checkBusOptions, checkHandler, checkOnceOptions, checkType } from "./bus-arguments";
import { logHandlerError } from "./log-handler-error";
import { nextEvent } from "./next-event";
import type { PipelineEvents } from "./pipeline-events";
import { type ErasedErrorHandler, emitAndSettle } from "./settle-handlers";
import { type Listener, SubscriptionRegistry } from "./subscription-registry";
import { emitTo, stamp } from "./sync-emit";
import type {
  AnyEventHandler,
  BusEvent,
  ErrorHandler,
  EventBusOptions,
  EventHandler,
  EventInput,
  EventName,
  OnceOptions,
  Unsubscribe,
} from "./types";

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
  private readonly registry = new SubscriptionRegistry();

  /**
   * @param options - `onError` receives the errors of failing handlers
   *   (default: {@link logHandlerError}).
   * @throws TypeError when `options` or `options.onError` has the wrong type.
   */
  constructor(options: EventBusOptions<Events> = {}) {
    this.onError = checkBusOptions(options) ?? logHandlerError;
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
    return this.registry.add(type, handler as Listener);
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
    this.registry.remove(type, handler);
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
    return this.registry.addAny(handler as Listener);
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
    this.registry.removeAny(handler);
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
    checkOnceOptions(options);
    return nextEvent((handler) => this.on(type, handler), options);
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
    emitTo(this.registry.listenersFor(event.type), stamped, this.erasedOnError());
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
    return emitAndSettle(this.registry.listenersFor(event.type), stamped, this.erasedOnError());
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
    this.registry.clear(type);
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
    return this.registry.count(type);
  }

  private erasedOnError(): ErasedErrorHandler {
    // Sound: onError is only ever called with an event this bus emitted and the handler it ran.
    return this.onError as unknown as ErasedErrorHandler;
  }
}
