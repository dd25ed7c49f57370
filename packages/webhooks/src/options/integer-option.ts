/**
 * The optional integer options of dispatchers, workers and producers:
 * checked the same way, with the same error.
 *
 * @module
 */
import { invalidOption } from "./invalid-option";

/**
 * `value`, or `fallback` when it is left out; a TypeError naming `at` unless
 * it is an integer from `min` to `max`.
 *
 * @example
 * ```ts
 * integerOption(options.maxSockets, "options.maxSockets", 256, 1); // 256 when left out
 * ```
 */
export function integerOption(
  value: unknown,
  at: string,
  fallback: number,
  min: number,
  max = Number.POSITIVE_INFINITY,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw invalidOption(at, `an integer ≥ ${min}`, value, `pass e.g. ${fallback}, or leave it out`);
  }
  return value;
}
