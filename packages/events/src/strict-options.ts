/**
 * The strict-options rule of this package: an options object may hold only
 * the keys its method documents, so a misspelt key is an error instead of a
 * default applied in silence. The "Did you mean" comes from the internal
 * `@attesta/closest-name`, bundled in: no dependencies, no Node APIs (the bus
 * runs on every JavaScript runtime).
 *
 * @module
 */
import { unknownKey } from "@attesta/closest-name";

/**
 * Throws a `TypeError` for the first key of `options` not in `known`: it
 * names the key, suggests the closest known one when it is a few edits away,
 * and lists the valid keys.
 *
 * @example
 * ```ts
 * assertKnownKeys({ onErorr: log }, ["onError"], "new EventBus(options)");
 * // TypeError: @attesta/events: new EventBus(options) has an unknown option "onErorr". Did you mean "onError"? …
 * ```
 */
export function assertKnownKeys(options: object, known: readonly string[], at: string): void {
  const unknown = unknownKey(options, known);
  if (unknown === undefined) return;
  const hint = unknown.meant === undefined ? "" : ` Did you mean "${unknown.meant}"?`;
  throw new TypeError(
    `@attesta/events: ${at} has an unknown option "${unknown.key}".${hint} Fix: remove it or correct its name; the valid keys are ${known.join(", ")}.`,
  );
}
