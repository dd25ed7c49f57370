/**
 * The signature schemes a command can check or produce.
 *
 * @module
 */
import { usageError } from "./cli-error";

/** `attesta`: the `X-Attesta-Signature: sha256=<hex>` header over the body. */
export type Scheme = "attesta";

export const SCHEMES: readonly Scheme[] = ["attesta"];

/** Parses `--scheme`, defaulting to the Attesta header. */
export function parseScheme(value: string | undefined): Scheme {
  if (value === undefined) return "attesta";
  const scheme = SCHEMES.find((candidate) => candidate === value);
  if (!scheme) {
    throw usageError(
      `--scheme must be one of ${SCHEMES.join(", ")}; got ${JSON.stringify(value)}.`,
      "leave --scheme out to use the X-Attesta-Signature header.",
    );
  }
  return scheme;
}
