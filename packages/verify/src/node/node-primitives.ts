/**
 * The crypto primitives on node:crypto: synchronous, so every engine result
 * on Node is synchronous too.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  type KeyObject,
  sign,
  timingSafeEqual,
  verify,
} from "node:crypto";
import type { CryptoPrimitives } from "../engine/crypto-primitives";
import { createEngine } from "../engine/engine";

// DER headers that wrap a raw 32-byte ed25519 seed (PKCS #8) and public key
// (SPKI), the forms node:crypto imports.
const PKCS8_ED25519 = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_ED25519 = Buffer.from("302a300506032b6570032100", "hex");

// Reused scratch space for comparisons: they are synchronous, so one pair of
// views serves every call without allocating. 128 bytes covers every
// signature encoding (hex HMAC 71, base64 HMAC 44).
const SCRATCH_BYTES = 128;
const scratch = Buffer.alloc(SCRATCH_BYTES * 2);
const left = scratch.subarray(0, SCRATCH_BYTES);
const right = scratch.subarray(SCRATCH_BYTES);

/** node:crypto primitives. */
export const nodePrimitives: CryptoPrimitives = {
  hmacKey: (raw) => createSecretKey(raw),
  hmac(key, parts) {
    const hmac = createHmac("sha256", key as KeyObject);
    for (const part of parts) hmac.update(part);
    return hmac.digest();
  },
  ed25519SecretKey: (seed) =>
    createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: "der", type: "pkcs8" }),
  ed25519PublicKey: (raw) =>
    createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: "der", type: "spki" }),
  ed25519Sign: (key, data) => sign(null, data, key as KeyObject),
  ed25519Verify: (key, data, signature) => verify(null, data, key as KeyObject, signature),
  equal(a, b) {
    if (a.length !== b.length) return false;
    if (a.length > SCRATCH_BYTES) return timingSafeEqual(Buffer.from(a), Buffer.from(b));
    left.write(a, 0, a.length, "latin1");
    right.write(b, 0, b.length, "latin1");
    return timingSafeEqual(left.subarray(0, a.length), right.subarray(0, b.length));
  },
  bytes: (text) => Buffer.from(text, "utf8"),
  toHex: (bytes) => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes)).toString("hex"),
  toBase64: (bytes) => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes)).toString("base64"),
};

/** The engine of the `node` build. */
export const nodeEngine = createEngine(nodePrimitives);
