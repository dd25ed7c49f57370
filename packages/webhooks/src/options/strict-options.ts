/**
 * The strict-options rule of @attesta/webhooks: an options object (and every
 * nested one: `network`, `retention`, `circuitBreaker`, …) may hold only the
 * keys it documents. A misspelt key would otherwise be ignored and its
 * default applied in silence; for `network.denyPrivate` that default is the
 * SSRF guard turned off. The "Did you mean" comes from the internal
 * `@attesta/closest-name`, bundled in.
 *
 * @module
 */
import { unknownKey } from "@attesta/closest-name";

/**
 * Throws a `TypeError` for the first key of `options` that is not in
 * `known`: it names the key (as `at.key`), suggests the closest known one,
 * and lists the valid keys.
 *
 * @example
 * ```ts
 * assertKnownKeys({ denyPrivat: true }, ["denyPrivate", "allow"], "options.network");
 * // TypeError: @attesta/webhooks: options.network.denyPrivat is not a known option. Did you mean "denyPrivate"? …
 * ```
 */
export function assertKnownKeys(options: object, known: Iterable<string>, at: string): void {
  const keys = [...known];
  const unknown = unknownKey(options, keys);
  if (unknown === undefined) return;
  const hint = unknown.meant === undefined ? "" : ` Did you mean "${unknown.meant}"?`;
  throw new TypeError(
    `@attesta/webhooks: ${at}.${unknown.key} is not a known option.${hint} Fix: remove it or correct its name; the valid keys are ${keys.join(", ")}.`,
  );
}
