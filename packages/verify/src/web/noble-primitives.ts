/**
 * Synchronous primitives for the web build, which has no synchronous Web
 * Crypto: HMAC-SHA256 from the audited @noble/hashes (bundled at build time,
 * so the package keeps no runtime dependency). ed25519 has no synchronous
 * path here; it throws and points at the `…Async` functions.
 *
 * @module
 */
import { hmac } from "@noble/hashes/hmac";
import { sha256 } from "@noble/hashes/sha2";
import type { CryptoPrimitives } from "../engine/crypto-primitives";
import { createEngine } from "../engine/engine";
import { constantTimeEqual, toBase64, toHex } from "../protocol/encoding";

const encoder = new TextEncoder();

function noSyncEd25519(): never {
  throw new Error(
    "@attesta/verify: ed25519 (v1a) signatures need Web Crypto on this runtime, which is asynchronous. " +
      "Fix: call the …Async variant (signStandardWebhookAsync, verifyStandardWebhookAsync, signatureHeadersAsync).",
  );
}

/** @noble/hashes primitives. */
export const noblePrimitives: CryptoPrimitives = {
  // The key's padded blocks are hashed once per secret and reused.
  hmacKey: (raw) => hmac.create(sha256, raw),
  hmac(key, parts, encoding) {
    const mac = (key as ReturnType<typeof hmac.create>).clone();
    for (const part of parts) mac.update(typeof part === "string" ? encoder.encode(part) : part);
    const digest = mac.digest();
    return encoding === "hex" ? toHex(digest) : toBase64(digest);
  },
  ed25519SecretKey: noSyncEd25519,
  ed25519PublicKey: noSyncEd25519,
  ed25519Sign: noSyncEd25519,
  ed25519Verify: noSyncEd25519,
  equal: constantTimeEqual,
  bytes: (text) => encoder.encode(text),
  toBase64,
};

/** The engine of the web build's synchronous functions. */
export const nobleEngine = createEngine(noblePrimitives);
