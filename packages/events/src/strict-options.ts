/**
 * The strict-options rule of this package: an options object may hold only
 * the keys its method documents, so a misspelt key is an error instead of a
 * default applied in silence. No dependencies, no Node APIs (the bus runs on
 * every JavaScript runtime).
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
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    let meant = "";
    let distance = Math.max(1, Math.floor(key.length / 3)) + 1;
    for (const candidate of known) {
      const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
      if (d < distance) [meant, distance] = [candidate, d];
    }
    throw new TypeError(
      `@attesta/events: ${at} has an unknown option "${key}".${meant ? ` Did you mean "${meant}"?` : ""} Fix: remove it or correct its name; the valid keys are ${known.join(", ")}.`,
    );
  }
}
