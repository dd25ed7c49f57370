/**
 * The strict-options rule of @attesta/webhooks: an options object (and every
 * nested one: `network`, `retention`, `circuitBreaker`, …) may hold only the
 * keys it documents. A misspelt key would otherwise be ignored and its
 * default applied in silence; for `network.denyPrivate` that default is the
 * SSRF guard turned off.
 *
 * @module
 */

/** Edit distance (insertions, deletions, substitutions, adjacent swaps). */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (previous[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (before[j - 2] ?? 0) + 1);
      }
      row.push(best);
    }
    before = previous;
    previous = row;
  }
  return previous[b.length] ?? 0;
}

/**
 * The known key closest to `key` when it is a few edits away (a third of its
 * length, at least one), ignoring case.
 *
 * @example
 * ```ts
 * closestKey("denyPrivat", ["denyPrivate", "allow"]); // "denyPrivate"
 * ```
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let meant: string | undefined;
  let distance = Math.max(1, Math.floor(key.length / 3)) + 1;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < distance) [meant, distance] = [candidate, d];
  }
  return meant;
}

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
  for (const key of Object.keys(options)) {
    if (keys.includes(key)) continue;
    const meant = closestKey(key, keys);
    const hint = meant === undefined ? "" : ` Did you mean "${meant}"?`;
    throw new TypeError(
      `@attesta/webhooks: ${at}.${key} is not a known option.${hint} Fix: remove it or correct its name; the valid keys are ${keys.join(", ")}.`,
    );
  }
}
