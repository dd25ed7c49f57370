/**
 * The crypto primitives on Web Crypto (`crypto.subtle`): asynchronous, and
 * free of Node built-ins, for Workers, Deno, Bun and browsers.
 *
 * @module
 */
import type { CryptoPrimitives } from "../engine/crypto-primitives";
import { createEngine } from "../engine/engine";
import { constantTimeEqual, toBase64, toHex } from "../protocol/encoding";

// Derived from the global so the code needs neither the DOM lib nor Node's types.
type Subtle = typeof globalThis.crypto.subtle;
type CryptoKey = Awaited<ReturnType<Subtle["importKey"]>>;

// PKCS #8 header around a raw 32-byte ed25519 seed: the form Web Crypto imports.
const PKCS8_ED25519 = Uint8Array.of(
  0x30,
  0x2e,
  0x02,
  0x01,
  0x00,
  0x30,
  0x05,
  0x06,
  0x03,
  0x2b,
  0x65,
  0x70,
  0x04,
  0x22,
  0x04,
  0x20,
);
const encoder = new TextEncoder();

function subtle(): Subtle {
  const api = globalThis.crypto?.subtle;
  if (api === undefined) {
    throw new Error(
      "@attesta/verify: this runtime has no Web Crypto (globalThis.crypto.subtle). " +
        "Fix: run on Node 20+, Deno, Bun, Cloudflare Workers or a browser in a secure context.",
    );
  }
  return api;
}

/** Imports an ed25519 key, with an error that says what to do where the runtime lacks it. */
async function importEd25519(
  format: "raw" | "pkcs8",
  bytes: Uint8Array,
  usage: "sign" | "verify",
): Promise<CryptoKey> {
  try {
    return await subtle().importKey(format, bytes as Uint8Array<ArrayBuffer>, "Ed25519", false, [
      usage,
    ]);
  } catch (cause) {
    throw new Error(
      "@attesta/verify: this runtime's Web Crypto does not support Ed25519, so v1a signatures " +
        "cannot be made or checked here. Fix: use whsec_ (v1, HMAC) secrets on this runtime, " +
        "or sign and verify v1a on Node, Deno or a recent browser.",
      { cause },
    );
  }
}

/** The parts as one byte string (Web Crypto takes a single buffer). */
function concat(parts: readonly (string | Uint8Array)[]): Uint8Array<ArrayBuffer> {
  const chunks = parts.map((part) => (typeof part === "string" ? encoder.encode(part) : part));
  const [only] = chunks;
  if (chunks.length === 1 && only !== undefined) return only as Uint8Array<ArrayBuffer>;
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Web Crypto primitives. */
export const webCryptoPrimitives: CryptoPrimitives = {
  hmacKey: (raw) =>
    subtle().importKey(
      "raw",
      raw as Uint8Array<ArrayBuffer>,
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    ),
  hmac: async (key, parts, encoding) => {
    const mac = new Uint8Array(await subtle().sign("HMAC", key as CryptoKey, concat(parts)));
    return encoding === "hex" ? toHex(mac) : toBase64(mac);
  },
  ed25519SecretKey: (seed) => {
    const der = new Uint8Array(PKCS8_ED25519.length + seed.length);
    der.set(PKCS8_ED25519);
    der.set(seed, PKCS8_ED25519.length);
    return importEd25519("pkcs8", der, "sign");
  },
  ed25519PublicKey: (raw) => importEd25519("raw", raw, "verify"),
  ed25519Sign: async (key, data) =>
    new Uint8Array(
      await subtle().sign("Ed25519", key as CryptoKey, data as Uint8Array<ArrayBuffer>),
    ),
  ed25519Verify: (key, data, signature) =>
    subtle().verify(
      "Ed25519",
      key as CryptoKey,
      signature as Uint8Array<ArrayBuffer>,
      data as Uint8Array<ArrayBuffer>,
    ),
  equal: constantTimeEqual,
  bytes: (text) => encoder.encode(text),
  toBase64,
};

/** The engine of the web build's `…Async` functions and its Hono middleware. */
export const webCryptoEngine = createEngine(webCryptoPrimitives);
