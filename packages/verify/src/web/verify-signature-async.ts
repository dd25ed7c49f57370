/**
 * Verification on Web Crypto.
 *
 * @module
 */
import { assertSignableBody } from "../assert-signable-body";
import { isWellFormedSignature } from "../is-well-formed-signature";
import { normalizeSecrets } from "../normalize-secrets";
import type { SecretOrSecrets, SignableBody } from "../types";
import { cryptoKey } from "./crypto-key";
import { fromHex } from "./hex";
import { toBytes } from "./to-bytes";

/**
 * Checks an `X-Attesta-Signature` header with Web Crypto's
 * `crypto.subtle.verify`, which compares in constant time. Resolves `false`
 * for any malformed signature; rejects with `TypeError` for a missing secret.
 *
 * @example
 * ```ts
 * import { verifySignatureAsync } from "@attesta/verify";
 *
 * export default {
 *   async fetch(request: Request, env: { ATTESTA_SECRET: string }) {
 *     const body = await request.arrayBuffer();
 *     const ok = await verifySignatureAsync(body, request.headers.get("x-attesta-signature"), env.ATTESTA_SECRET);
 *     return new Response(null, { status: ok ? 204 : 401 });
 *   },
 * };
 * ```
 */
export async function verifySignatureAsync(
  body: SignableBody,
  signature: string | null | undefined,
  secret: SecretOrSecrets,
): Promise<boolean> {
  const secrets = normalizeSecrets(secret);
  assertSignableBody(body);
  if (!isWellFormedSignature(signature)) return false;
  const received = fromHex(signature, 7);
  const bytes = toBytes(body) as Uint8Array<ArrayBuffer>;
  const results = await Promise.all(
    secrets.map(async (candidate) =>
      globalThis.crypto.subtle.verify("HMAC", await cryptoKey(candidate), received, bytes),
    ),
  );
  return results.includes(true);
}
