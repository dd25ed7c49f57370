/**
 * A small synchronous HMAC-SHA256 (FIPS 180-4, RFC 2104) in plain
 * JavaScript. Web Crypto has no synchronous API, and `verifySignature` must
 * return a boolean, so the web build carries its own implementation; the
 * async functions use Web Crypto instead.
 *
 * @module
 */

// First 32 bits of the fractional parts of the cube roots of the first 64 primes.
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

// First 32 bits of the fractional parts of the square roots of the first 8 primes.
const INITIAL_STATE = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

const BLOCK_BYTES = 64;
const DIGEST_BYTES = 32;

// Scratch message schedule; safe to share because compression is synchronous.
const W = new Int32Array(64);

/** Runs the compression function over every whole 64-byte block of `bytes`. */
function compressBlocks(state: Int32Array, bytes: Uint8Array, end: number): void {
  let h0 = state[0]!,
    h1 = state[1]!,
    h2 = state[2]!,
    h3 = state[3]!;
  let h4 = state[4]!,
    h5 = state[5]!,
    h6 = state[6]!,
    h7 = state[7]!;
  for (let offset = 0; offset + BLOCK_BYTES <= end; offset += BLOCK_BYTES) {
    for (let i = 0; i < 16; i++) {
      const j = offset + i * 4;
      W[i] = (bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!;
    }
    for (let i = 16; i < 64; i++) {
      const w15 = W[i - 15]!;
      const w2 = W[i - 2]!;
      const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
    }
    let a = h0,
      b = h1,
      c = h2,
      d = h3,
      e = h4,
      f = h5,
      g = h6,
      h = h7;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (h + S1 + ch + K[i]! + W[i]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  state[0] = h0;
  state[1] = h1;
  state[2] = h2;
  state[3] = h3;
  state[4] = h4;
  state[5] = h5;
  state[6] = h6;
  state[7] = h7;
}

/**
 * Continues a hash whose state already absorbed `prefixBytes` (a multiple of
 * 64), feeds `data`, pads, and returns the 32-byte digest.
 */
function finish(startState: Int32Array, prefixBytes: number, data: Uint8Array): Uint8Array {
  const state = startState.slice();
  const whole = data.length - (data.length % BLOCK_BYTES);
  compressBlocks(state, data, whole);
  const rest = data.length - whole;
  // Tail, the 0x80 marker and the 64-bit bit length fit in one or two blocks.
  const tail = new Uint8Array(rest + 9 <= BLOCK_BYTES ? BLOCK_BYTES : BLOCK_BYTES * 2);
  tail.set(data.subarray(whole));
  tail[rest] = 0x80;
  const bitLength = (prefixBytes + data.length) * 8;
  const view = new DataView(tail.buffer);
  view.setUint32(tail.length - 8, Math.floor(bitLength / 0x100000000));
  view.setUint32(tail.length - 4, bitLength >>> 0);
  compressBlocks(state, tail, tail.length);
  const digest = new Uint8Array(DIGEST_BYTES);
  const out = new DataView(digest.buffer);
  for (let i = 0; i < 8; i++) out.setInt32(i * 4, state[i]!);
  return digest;
}

interface PreparedKey {
  inner: Int32Array;
  outer: Int32Array;
}

function prepare(key: Uint8Array): PreparedKey {
  const block = new Uint8Array(BLOCK_BYTES);
  block.set(key.length > BLOCK_BYTES ? finish(INITIAL_STATE, 0, key) : key);
  const inner = INITIAL_STATE.slice();
  const outer = INITIAL_STATE.slice();
  const pad = new Uint8Array(BLOCK_BYTES);
  for (let i = 0; i < BLOCK_BYTES; i++) pad[i] = block[i]! ^ 0x36;
  compressBlocks(inner, pad, BLOCK_BYTES);
  for (let i = 0; i < BLOCK_BYTES; i++) pad[i] = block[i]! ^ 0x5c;
  compressBlocks(outer, pad, BLOCK_BYTES);
  return { inner, outer };
}

// The padded key blocks are hashed once per secret and reused; the bound
// keeps a caller with many distinct secrets from growing memory.
const MAX_CACHED_KEYS = 32;
const cache = new Map<string, PreparedKey>();
const encoder = new TextEncoder();

function preparedKey(key: string | Uint8Array): PreparedKey {
  if (typeof key !== "string") return prepare(key);
  let prepared = cache.get(key);
  if (prepared === undefined) {
    prepared = prepare(encoder.encode(key));
    if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value as string);
    cache.set(key, prepared);
  }
  return prepared;
}

/**
 * HMAC-SHA256 of `data` under `key` (a string is the UTF-8 key bytes),
 * returned as 32 raw bytes.
 *
 * @example
 * ```ts
 * const mac = hmacSha256("key", new TextEncoder().encode("The quick brown fox jumps over the lazy dog"));
 * // f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8
 * ```
 */
export function hmacSha256(key: string | Uint8Array, data: Uint8Array): Uint8Array {
  const { inner, outer } = preparedKey(key);
  return finish(outer, BLOCK_BYTES, finish(inner, BLOCK_BYTES, data));
}
