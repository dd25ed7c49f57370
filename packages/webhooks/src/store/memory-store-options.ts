/**
 * The options of `MemoryStore`, checked when the store is made.
 *
 * @module
 */
import { invalidOption, typeName } from "../options/invalid-option";
import { assertKnownKeys } from "../options/strict-options";

/** Options of `new MemoryStore(options)`. */
export interface MemoryStoreOptions {
  /**
   * Dead letters kept for `deliveries.get/list`, `redeliver` and `recover`,
   * newest kept. Default `1000`.
   */
  maxDead?: number;
  /**
   * Delivered deliveries kept for `deliveries.get/list` and `redeliver`,
   * newest kept. Default `100`: each one kept lives long enough to be
   * promoted out of the young heap, so 1,000 of them cost about a tenth of
   * the deliveries per second, and 100 about a hundredth.
   */
  maxDelivered?: number;
}

const KNOWN = new Set(["maxDead", "maxDelivered"]);

/** The bounds of a memory store, or a TypeError naming the option and the fix. */
export function resolveMemoryStoreOptions(
  options: MemoryStoreOptions,
): Required<MemoryStoreOptions> {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `@attesta/webhooks: MemoryStore options must be an object; got ${typeName(options)}. Fix: pass { maxDead, maxDelivered } or nothing.`,
    );
  }
  assertKnownKeys(options, KNOWN, "new MemoryStore(options)");
  return {
    maxDead: readBound("maxDead", options.maxDead, 1000),
    maxDelivered: readBound("maxDelivered", options.maxDelivered, 100),
  };
}

function readBound(name: string, given: number | undefined, fallback: number): number {
  const value = given ?? fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw invalidOption(
      `MemoryStore ${name}`,
      "an integer ≥ 0",
      value,
      `pass e.g. ${fallback} (0 keeps none)`,
    );
  }
  return value;
}
