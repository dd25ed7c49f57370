/**
 * The `TypeError` thrown for a bad constructor argument, worded the same way
 * for endpoint configs and dispatcher options.
 *
 * @module
 */

/**
 * Builds `@attesta/webhooks: <at> must be <expected>; got <value>. Fix: <fix>.`
 *
 * @example
 * ```ts
 * throw invalidOption("config[0].timeoutMs", "an integer ≥ 1", -5, "pass e.g. 5000");
 * ```
 */
export function invalidOption(
  at: string,
  expected: string,
  value: unknown,
  fix: string,
): TypeError {
  return new TypeError(
    `@attesta/webhooks: ${at} must be ${expected}; got ${showValue(value)}. Fix: ${fix}.`,
  );
}

/**
 * A short, safe rendering of a bad value: primitives as written, long
 * strings cut, objects only by kind (they may hold secrets).
 *
 * @example
 * ```ts
 * showValue("ftp://x"); // '"ftp://x"'
 * showValue({ url: "…" }); // "an object"
 * ```
 */
export function showValue(value: unknown): string {
  if (typeof value === "string")
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  return typeName(value);
}

/**
 * The kind of a value for error messages: `null`, `an array`, `an object`, or its `typeof`.
 *
 * @example
 * ```ts
 * typeName([]); // "an array"
 * ```
 */
export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : typeof value;
}
