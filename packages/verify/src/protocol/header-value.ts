/**
 * Reading one header from whatever a framework hands over.
 *
 * @module
 */
import type { HeaderSource } from "./types";

/**
 * The value of header `name` (lower case) in `headers`: a Fetch `Headers`, a
 * record (keys in any case, as Node and hand-built objects have them) or a
 * lookup function. Missing, empty and repeated-as-array values are
 * `undefined`: an array means the sender sent the header twice, which no
 * signer does.
 *
 * @example
 * ```ts
 * headerValue({ "Webhook-Id": "msg_1" }, "webhook-id"); // "msg_1"
 * headerValue(new Headers({ "webhook-id": "msg_1" }), "webhook-id"); // "msg_1"
 * ```
 */
export function headerValue(headers: HeaderSource, name: string): string | undefined {
  let value: unknown;
  if (typeof headers === "function") value = headers(name);
  else if (typeof (headers as { get?: unknown }).get === "function") {
    value = (headers as { get(name: string): string | null }).get(name);
  } else if (headers !== null && typeof headers === "object") {
    const record = headers as Readonly<Record<string, unknown>>;
    value = record[name];
    if (value === undefined) {
      const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
      value = key === undefined ? undefined : record[key];
    }
  }
  return typeof value === "string" && value !== "" ? value : undefined;
}
