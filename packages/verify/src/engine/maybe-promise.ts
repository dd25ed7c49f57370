/**
 * Values that are plain on node:crypto and promises on Web Crypto, so one
 * verifier engine serves both: with synchronous primitives every result stays
 * synchronous.
 *
 * @module
 */

/** A value, or a promise of it. */
export type MaybePromise<T> = T | Promise<T>;

function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/**
 * Applies `fn` to `value`, synchronously when `value` is not a promise. (Not
 * named `then`: a module exporting `then` is a thenable to `import()`.)
 *
 * @example
 * ```ts
 * andThen(2, (n) => n + 1); // 3
 * await andThen(Promise.resolve(2), (n) => n + 1); // 3
 * ```
 */
export function andThen<T, U>(value: MaybePromise<T>, fn: (resolved: T) => MaybePromise<U>) {
  return isPromise(value) ? value.then(fn) : fn(value);
}

/**
 * `Promise.all` that stays synchronous when no element is a promise.
 *
 * @example
 * ```ts
 * all([1, 2]); // [1, 2]
 * ```
 */
export function all<T>(values: readonly MaybePromise<T>[]): MaybePromise<T[]> {
  return values.some(isPromise) ? Promise.all(values) : (values as T[]);
}
