/**
 * Checks of what callers hand an `EventBus`: its options, event names,
 * handlers and `once` options. Each failure says what was expected and how
 * to fix it.
 *
 * @module
 */
import { assertKnownKeys } from "./strict-options";
import type { ErrorHandler, EventBusOptions } from "./types";

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function" || typeof value === "object") return typeof value;
  return `${typeof value} ${String(value)}`;
}

/** The `onError` of valid bus options, or `undefined` when none was given. */
export function checkBusOptions<Events extends object>(
  options: EventBusOptions<Events>,
): ErrorHandler<Events> | undefined {
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
  return onError;
}

export function checkType(type: unknown, method: string): void {
  if (typeof type !== "string") {
    throw new TypeError(
      `@attesta/events: ${method}(type, …) needs an event name string as type; got ${describe(type)}. ` +
        'Fix: pass a name such as EventType.APPROVED ("approved").',
    );
  }
}

export function checkHandler(handler: unknown, method: string, type?: string): void {
  if (typeof handler !== "function") {
    const target = type === undefined ? "every event" : `each "${type}" event`;
    throw new TypeError(
      `@attesta/events: ${method}(${type === undefined ? "" : "type, "}handler) needs a function as handler; ` +
        `got ${describe(handler)}. Fix: pass the function to call for ${target}.`,
    );
  }
}

/** Throws unless `options` is an object with an optional `filter` function and `signal`. */
export function checkOnceOptions(options: unknown): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `@attesta/events: once(type, options) needs an object as options; got ${describe(options)}. ` +
        "Fix: pass { filter?, signal? } or nothing.",
    );
  }
  assertKnownKeys(options, ["filter", "signal"], "once(type, options)");
  const { filter, signal } = options as {
    filter?: unknown;
    signal?: { addEventListener?: unknown };
  };
  if (filter !== undefined && typeof filter !== "function") {
    throw new TypeError(
      `@attesta/events: once options.filter must be a function; got ${describe(filter)}. ` +
        "Fix: pass (event) => boolean or leave it out.",
    );
  }
  if (signal !== undefined && (signal === null || typeof signal.addEventListener !== "function")) {
    throw new TypeError(
      `@attesta/events: once options.signal must be an AbortSignal; got ${describe(signal)}. ` +
        "Fix: pass controller.signal or AbortSignal.timeout(ms), or leave it out.",
    );
  }
}
