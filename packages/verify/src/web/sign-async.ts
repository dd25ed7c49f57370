/**
 * Signing on Web Crypto.
 *
 * @module
 */
import { SIGNATURE_PREFIX } from "../constants";
import { assertSigningSecret } from "../normalize-secrets";
import type { SignableBody } from "../types";
import { cryptoKey } from "./crypto-key";
import { toHex } from "./hex";
import { toBytes } from "./to-bytes";

/**
 * Signs `body` with Web Crypto and resolves to the `X-Attesta-Signature`
 * header value. Runs wherever `crypto.subtle` exists (browsers, Deno, Bun,
 * Cloudflare Workers, Node).
 *
 * @example
 * ```ts
 * import { signAsync } from "@attesta/verify";
 *
 * const header = await signAsync('{"event":"APPROVED"}', "whsec_test");
 * ```
 */
export async function signAsync(body: SignableBody, secret: string): Promise<string> {
  assertSigningSecret(secret);
  const bytes = toBytes(body);
  const mac = await globalThis.crypto.subtle.sign(
    "HMAC",
    await cryptoKey(secret),
    bytes as Uint8Array<ArrayBuffer>,
  );
  return SIGNATURE_PREFIX + toHex(new Uint8Array(mac));
}
