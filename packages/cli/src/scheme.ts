/**
 * The signature schemes a command can check or produce.
 *
 * @module
 */
import { usageError } from "./cli-error";

/** How a request is signed: `attesta` is `X-Attesta-Signature`, `standard-webhooks` the `webhook-*` headers. */
export type SendScheme = "attesta" | "standard-webhooks" | "both";

/** What a receiver accepts: one scheme, `both` at once, or `any` of them. */
export type CheckScheme = SendScheme | "any";

const SEND: readonly SendScheme[] = ["attesta", "standard-webhooks", "both"];
const CHECK: readonly CheckScheme[] = [...SEND, "any"];

function parse<T extends string>(value: string | undefined, allowed: readonly T[]): T {
  if (value === undefined) return allowed[0] as T;
  const scheme = allowed.find((candidate) => candidate === value);
  if (!scheme) {
    throw usageError(
      `--scheme must be one of ${allowed.join(", ")}; got ${JSON.stringify(value)}.`,
      "leave --scheme out to use the X-Attesta-Signature header.",
    );
  }
  return scheme;
}

/** `--scheme` of `listen` and `verify` (default `attesta`). */
export function parseCheckScheme(value: string | undefined): CheckScheme {
  return parse(value, CHECK);
}

/** `--scheme` of `send`, `trigger` and `sign` (default `attesta`). */
export function parseSendScheme(value: string | undefined): SendScheme {
  return parse(value, SEND);
}
