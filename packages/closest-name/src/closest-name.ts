/**
 * "Did you mean …?": the known name a mistyped one is closest to, and the
 * first key of an options object that no documented option has. Each package
 * words its own error around these, with its name as the prefix.
 *
 * @module
 */
import { editDistance } from "./edit-distance";

/**
 * The name of `known` closest to `name`, ignoring case, or `undefined` when
 * none is within a third of its length (at least one edit). With `prefix`, a
 * prefix of exactly one known name counts as close too (`ur` → `url`), as
 * fits names typed on a command line.
 *
 * @example
 * ```ts
 * closestName("denyPrivat", ["denyPrivate", "allow"]); // "denyPrivate"
 * closestName("ur", ["url", "secret"], { prefix: true }); // "url"
 * ```
 */
export function closestName(
  name: string,
  known: readonly string[],
  options: { readonly prefix?: boolean } = {},
): string | undefined {
  if (options.prefix === true && name.length > 0) {
    const prefixed = known.filter((candidate) => candidate.startsWith(name));
    if (prefixed.length === 1) return prefixed[0];
  }
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** A key no documented option has, and the option it probably meant. */
export interface UnknownKey {
  readonly key: string;
  readonly meant: string | undefined;
}

/** The first own key of `options` not in `known`, with its closest known name; `undefined` when every key is known. */
export function unknownKey(options: object, known: readonly string[]): UnknownKey | undefined {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) return { key, meant: closestName(key, known) };
  }
  return undefined;
}
