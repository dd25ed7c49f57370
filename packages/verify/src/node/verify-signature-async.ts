/**
 * Promise-returning verification for code shared with edge runtimes.
 *
 * @module
 */
import type { SecretOrSecrets, SignableBody } from "../types";
import { verifySignature } from "./verify-signature";

/**
 * Same result as {@link verifySignature}, as a promise. Under the `node`
 * export condition it runs on node:crypto (about an order of magnitude faster
 * than Web Crypto on Node); elsewhere it runs on Web Crypto. A missing or
 * empty secret rejects with `TypeError`.
 *
 * @example
 * ```ts
 * import { verifySignatureAsync } from "@attesta/verify";
 *
 * const ok = await verifySignatureAsync(rawBody, request.headers.get("x-attesta-signature"), secret);
 * ```
 */
export async function verifySignatureAsync(
  body: SignableBody,
  signature: string | null | undefined,
  secret: SecretOrSecrets,
): Promise<boolean> {
  return verifySignature(body, signature, secret);
}
