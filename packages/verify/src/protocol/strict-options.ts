/**
 * The one strict-options rule of this package: an options object may hold
 * only the keys its function documents. A misspelt key would otherwise be
 * ignored and its default applied in silence (a security check left on its
 * default, a body limit not raised). The "Did you mean" comes from the
 * internal `@attesta/closest-name`, bundled in: no dependencies, no Node APIs,
 * so this runs on every runtime the package supports.
 *
 * @module
 */
import { unknownKey } from "@attesta/closest-name";

/**
 * Throws a `TypeError` for the first key of `options` that is not in
 * `known`: it names the key, suggests the closest known one, and lists them
 * all. `at` is how the object is called in the message (`options`,
 * `new MemoryReplayStore(options)`).
 *
 * @example
 * ```ts
 * assertKnownKeys({ maxBodyByte: 10 }, ["secret", "maxBodyBytes"], "verifyAttesta(options)");
 * // TypeError: @attesta/verify: verifyAttesta(options) has an unknown option "maxBodyByte". Did you mean "maxBodyBytes"? …
 * ```
 */
export function assertKnownKeys(options: object, known: readonly string[], at: string): void {
  const unknown = unknownKey(options, known);
  if (unknown === undefined) return;
  const hint = unknown.meant === undefined ? "" : ` Did you mean "${unknown.meant}"?`;
  const valid =
    known.length === 0 ? "it takes no options" : `the valid keys are ${known.join(", ")}`;
  throw new TypeError(
    `@attesta/verify: ${at} has an unknown option "${unknown.key}".${hint} Fix: remove it or correct its name; ${valid}.`,
  );
}
