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
  verify,
} from "node:crypto";
import type { CryptoPrimitives } from "../engine/crypto-primitives";
import { createEngine } from "../engine/engine";
import { constantTimeEqual } from "../protocol/encoding";

// DER headers that wrap a raw 32-byte ed25519 seed (PKCS #8) and public key
// (SPKI), the forms node:crypto imports.
const PKCS8_ED25519 = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_ED25519 = Buffer.from("302a300506032b6570032100", "hex");

/** node:crypto primitives. */
export const nodePrimitives: CryptoPrimitives = {
  hmacKey: (raw) => createSecretKey(raw),
  hmac(key, parts, encoding) {
    const hmac = createHmac("sha256", key as KeyObject);
    for (const part of parts) {
      if (typeof part === "string") hmac.update(part, "utf8");
      else hmac.update(part);
    }
    return hmac.digest(encoding);
  },
  ed25519SecretKey: (seed) =>
    createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: "der", type: "pkcs8" }),
  ed25519PublicKey: (raw) =>
    createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: "der", type: "spki" }),
  ed25519Sign: (key, data) => sign(null, data, key as KeyObject),
  ed25519Verify: (key, data, signature) => verify(null, data, key as KeyObject, signature),
  // Signatures arrive as short ASCII strings: comparing them in JavaScript
  // (no early exit) measures faster than copying both into Buffers for
  // timingSafeEqual, and is just as independent of where they differ.
  equal: constantTimeEqual,
  bytes: (text) => Buffer.from(text, "utf8"),
  toBase64: (bytes) => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes)).toString("base64"),
};

/** The engine of the `node` build. */
export const nodeEngine = createEngine(nodePrimitives);
