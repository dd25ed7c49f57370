/**
 * "Did you mean …?" for names typed on the command line: the known name a
 * mistyped one is closest to, when it is close enough to be a slip.
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
 * The name of `known` closest to `name`, or `undefined` when none is within
 * a third of its length (at least one edit); a prefix of exactly one known
 * name counts as close too (`--ur` → `url`).
 *
 * @example
 * ```ts
 * closestName("ur", ["url", "secret"]); // "url"
 * ```
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const prefixed = known.filter((candidate) => name.length > 0 && candidate.startsWith(name));
  if (prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}
