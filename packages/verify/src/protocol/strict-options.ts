/**
 * The one strict-options rule of this package: an options object may hold
 * only the keys its function documents. A misspelt key would otherwise be
 * ignored and its default applied in silence (a security check left on its
 * default, a body limit not raised). No dependencies, no Node APIs: this runs
 * on every runtime the package supports.
 *
 * @module
 */

/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two keys. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const previous = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1);
      best = Math.min(best, (previous[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row.push(best);
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/**
 * The known key closest to `key`, when it is close enough to be a slip of
 * the keyboard (same letters in another case, or a few edits for its length).
 *
 * @example
 * ```ts
 * closestKey("maxBodyByte", ["maxBodyBytes", "secret"]); // "maxBodyBytes"
 * ```
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance =
      candidate.toLowerCase() === key.toLowerCase() ? 0.5 : editDistance(key, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.floor(Math.min(key.length, best?.length ?? 0) / 3));
  return bestDistance <= allowed ? best : undefined;
}

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
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const close = closestKey(key, known);
    const hint = close === undefined ? "" : ` Did you mean "${close}"?`;
    const valid =
      known.length === 0 ? "it takes no options" : `the valid keys are ${known.join(", ")}`;
    throw new TypeError(
      `@attesta/verify: ${at} has an unknown option "${key}".${hint} Fix: remove it or correct its name; ${valid}.`,
    );
  }
}
