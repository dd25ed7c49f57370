/**
 * Refusal of unknown option keys, with the closest known key as a hint (from
 * the internal `@attesta/closest-name`, bundled in).
 *
 * @module
 */
import { unknownKey } from "@attesta/closest-name";

/** Throws a TypeError for the first key of `value` that is not in `known`. */
export function refuseUnknownKeys(value: object, known: readonly string[], at: string): void {
  const unknown = unknownKey(value, known);
  if (unknown === undefined) return;
  const { key, meant } = unknown;
  throw new TypeError(
    `@attesta/console: ${at} has an unknown option "${key}".${meant === undefined ? "" : ` Did you mean "${meant}"?`} Fix: use one of ${known.join(", ")}.`,
  );
}
