/**
 * The events the dispatcher takes, and where it takes them from. A leaf:
 * it imports nothing, so the router, the store, the reporting and the public
 * types can all name an event without importing one another.
 *
 * @module
 */

/**
 * An event as the bus hands it to `onAny` handlers: `timestamp` is epoch
 * milliseconds. Any `EventBus` event fits.
 */
export interface DispatchableEvent {
  readonly type: string;
  readonly timestamp: number;
  readonly data: unknown;
}

/**
 * What the dispatcher subscribes to: anything with `onAny` that returns an
 * unsubscribe function, such as `EventBus` from `@attesta/events`.
 */
export interface EventSource {
  onAny(handler: (event: DispatchableEvent) => void): () => void;
}
