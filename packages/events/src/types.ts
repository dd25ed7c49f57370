/**
 * Types shared by `EventBus`, its handlers and its options.
 *
 * Every type takes the bus's event map (`Events`: event name -> type of
 * `data`) so that payloads are checked per event name.
 *
 * @module
 */

/**
 * The event names of an event map: its string keys.
 *
 * @example
 * ```ts
 * import type { EventName, PipelineEvents } from "@attesta/events";
 *
 * const name: EventName<PipelineEvents> = "approved";
 * ```
 */
export type EventName<Events> = keyof Events & string;

/**
 * An event as handlers receive it. With a union of names (the default) it is a
 * union discriminated by `type`, so checking `event.type` narrows `event.data`.
 *
 * @example
 * ```ts
 * import type { BusEvent, PipelineEvents } from "@attesta/events";
 *
 * function describe(event: BusEvent<PipelineEvents, "approved">): string {
 *   return `${event.data.action_name} approved at ${new Date(event.timestamp).toISOString()}`;
 * }
 * ```
 */
export type BusEvent<Events, K extends EventName<Events> = EventName<Events>> = K extends unknown
  ? {
      /** The event name. */
      readonly type: K;
      /** When the event happened, in epoch milliseconds. */
      readonly timestamp: number;
      /** The payload, typed by the event map. */
      readonly data: Events[K];
    }
  : never;

/**
 * What `emit` and `emitAsync` accept: an event whose `timestamp` may be left
 * out (the bus fills in `Date.now()`). `data` may be left out only when the
 * event map allows `undefined` for that name.
 *
 * @example
 * ```ts
 * import type { EventInput, PipelineEvents } from "@attesta/events";
 *
 * const input: EventInput<PipelineEvents, "denied"> = {
 *   type: "denied",
 *   data: { agent_id: "agent-7", action_name: "delete_repo", risk_score: 0.93, risk_level: "critical" },
 * };
 * ```
 */
export type EventInput<Events, K extends EventName<Events> = EventName<Events>> = K extends unknown
  ? {
      readonly type: K;
      /** Epoch milliseconds; `Date.now()` when left out. */
      readonly timestamp?: number;
    } & (undefined extends Events[K] ? { readonly data?: Events[K] } : { readonly data: Events[K] })
  : never;

/**
 * A handler for one event name (or a union of names). It may return a promise:
 * `emitAsync` awaits it, and a rejection goes to `onError` either way.
 *
 * @example
 * ```ts
 * import type { EventHandler, PipelineEvents } from "@attesta/events";
 *
 * const logDenial: EventHandler<PipelineEvents, "denied"> = (event) => {
 *   console.log(`${event.data.agent_id} was denied: ${event.data.reason ?? "no reason"}`);
 * };
 * ```
 */
export type EventHandler<Events, K extends EventName<Events> = EventName<Events>> = (
  event: BusEvent<Events, K>,
) => unknown;

/**
 * A handler registered with `onAny`: it receives every event, as a union
 * discriminated by `type`.
 *
 * @example
 * ```ts
 * import type { AnyEventHandler, PipelineEvents } from "@attesta/events";
 *
 * const audit: AnyEventHandler<PipelineEvents> = (event) => {
 *   console.log(event.type, event.data.agent_id);
 * };
 * ```
 */
export type AnyEventHandler<Events> = (event: BusEvent<Events>) => unknown;

/** Returned by `on` and `onAny`: removes that one subscription. Calling it again does nothing. */
export type Unsubscribe = () => void;

/**
 * What `onError` learns about a failed handler.
 *
 * @example
 * ```ts
 * import type { ErrorContext, PipelineEvents } from "@attesta/events";
 *
 * function report(error: unknown, context: ErrorContext<PipelineEvents>) {
 *   console.warn(`handler for ${context.event.type} failed`, error);
 * }
 * ```
 */
export interface ErrorContext<Events> {
  /** The event the handler was given. */
  readonly event: BusEvent<Events>;
  /** The handler that threw or rejected, as passed to `on` / `onAny`. */
  readonly handler: (event: never) => unknown;
}

/**
 * Receives the error of a handler that threw or whose promise rejected.
 *
 * @example
 * ```ts
 * import type { ErrorHandler, PipelineEvents } from "@attesta/events";
 *
 * const onError: ErrorHandler<PipelineEvents> = (error, { event }) => {
 *   console.warn(`handler for ${event.type} failed`, error);
 * };
 * ```
 */
export type ErrorHandler<Events> = (error: unknown, context: ErrorContext<Events>) => void;

/**
 * Options of `new EventBus(options)`.
 *
 * @example
 * ```ts
 * import { EventBus } from "@attesta/events";
 *
 * const bus = new EventBus({ onError: (error, { event }) => console.warn(event.type, error) });
 * ```
 */
export interface EventBusOptions<Events> {
  /**
   * Called with the error of every handler that throws or rejects. Default:
   * `logHandlerError`, which writes the error and its context to
   * `console.error`. If `onError` itself throws, that error is logged the
   * default way too; nothing reaches the code that emitted.
   */
  onError?: ErrorHandler<Events>;
}

/**
 * The part of `AbortSignal` that `once` uses, so the package needs no DOM or
 * Node types. Any standard `AbortSignal` fits.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/**
 * Options of `bus.once(type, options)`.
 *
 * @example
 * ```ts
 * import { EventBus } from "@attesta/events";
 *
 * const bus = new EventBus();
 * const next = bus.once("challenge_completed", {
 *   filter: (event) => event.data.challenge_id === "ch-42",
 *   signal: AbortSignal.timeout(60_000),
 * });
 * ```
 */
export interface OnceOptions<Events, K extends EventName<Events>> {
  /** Skip events until one passes. A filter that throws is reported to `onError` and the event is skipped. */
  filter?: (event: BusEvent<Events, K>) => boolean;
  /** Stop waiting: the promise rejects with `signal.reason` and the listener is removed. */
  signal?: AbortSignalLike;
}
