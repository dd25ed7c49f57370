/**
 * The bounds of a worker start: a connect timeout and the caller's
 * `AbortSignal`, so that a start against an unreachable Redis rejects
 * instead of waiting forever.
 *
 * @module
 */
import { RedisConnectError } from "../errors";
import { integerOption } from "../options/integer-option";
import { invalidOption } from "../options/invalid-option";

/** Default of `connectTimeoutMs`. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** What bounds a start, checked. */
export interface StartBounds {
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
}

/** Checks `connectTimeoutMs` and `signal`. */
export function resolveStartBounds(connectTimeoutMs: unknown, signal: unknown): StartBounds {
  const timeoutMs = integerOption(
    connectTimeoutMs,
    "options.connectTimeoutMs",
    DEFAULT_CONNECT_TIMEOUT_MS,
    1,
  );
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw invalidOption(
      "options.signal",
      "an AbortSignal",
      signal,
      "pass e.g. AbortSignal.timeout(5000) or controller.signal, or leave it out",
    );
  }
  return { timeoutMs, signal };
}

/**
 * Resolves with `ready`, or rejects with a `RedisConnectError` naming `url`
 * when the timeout passes or the signal aborts first. `lastError` gives the
 * last Redis error, kept as the cause of a timeout.
 */
export function boundedReady(
  ready: Promise<void>,
  bounds: StartBounds,
  url: string,
  lastError: () => unknown,
): Promise<void> {
  const { timeoutMs, signal } = bounds;
  if (signal?.aborted) {
    ready.catch(() => undefined);
    return Promise.reject(new RedisConnectError("aborted", url, timeoutMs, signal.reason));
  }
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => finish(new RedisConnectError("aborted", url, timeoutMs, signal?.reason));
    const timer = setTimeout(
      () => finish(new RedisConnectError("timeout", url, timeoutMs, lastError())),
      timeoutMs,
    );
    function finish(error?: unknown): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (error === undefined) resolve();
      else reject(error);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    ready.then(() => finish(), finish);
  });
}
