/**
 * What happens to the promises handlers return: each rejection reaches
 * `onError` with the handler that failed, and `emitAsync` settles once every
 * promise has. Nothing here throws or rejects.
 *
 * @module
 */
import { logHandlerError } from "./log-handler-error";
import type { Listener } from "./subscription-registry";
import type { ErrorContext } from "./types";

/** `onError` with the event map erased, for the internals that only pass values through. */
export type ErasedErrorHandler = (
  error: unknown,
  context: { event: unknown; handler: Listener },
) => void;

const SETTLED: Promise<void> = Promise.resolve();
export const noop = (): void => {};

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/** Calls `onError`; if that throws too, logs its failure instead of letting it escape. */
export function callOnError(
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
 * Waits for a handler's promise and passes its rejection, if any, to
 * `onError`. The returned promise always fulfils, after that call.
 */
export function reportRejection(
  onError: ErasedErrorHandler,
  result: PromiseLike<unknown>,
  event: unknown,
  fn: Listener,
): Promise<void> {
  return Promise.resolve(result).then(noop, (error: unknown) =>
    callOnError(onError, error, event, fn),
  );
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

/**
 * `emitAsync`: runs `listeners` in order without waiting between them, then
 * waits for the promises they returned. Fulfils once every one has settled.
 */
export function emitAndSettle(
  listeners: readonly Listener[],
  event: unknown,
  onError: ErasedErrorHandler,
): Promise<void> {
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
      const result = fn(event);
      if (result !== undefined && isThenable(result)) {
        returned ??= new Array<PromiseLike<unknown> | undefined>(listeners.length);
        returned[at] = result;
        count++;
        lastResult = result;
        lastHandler = fn;
      }
    } catch (error) {
      callOnError(onError, error, event, fn);
    }
  }
  if (returned === undefined || lastResult === undefined) return SETTLED;
  if (count === 1) return reportRejection(onError, lastResult, event, lastHandler);
  return settleAll(onError, event, listeners, returned, count);
}
