/**
 * Validation of the integer options of producers and workers.
 *
 * @module
 */
import { invalidOption } from "../invalid-option";

/** Validates an optional integer option ≥ 1. */
export function positiveInteger(value: unknown, at: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw invalidOption(at, "an integer ≥ 1", value, `pass e.g. ${fallback}, or leave it out`);
  }
  return value;
}
