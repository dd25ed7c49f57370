/**
 * An engine: one runtime's crypto primitives with its cache of prepared keys.
 *
 * @module
 */
import type { StandardKey } from "../protocol/standard-key";
import { toBytes } from "../protocol/to-bytes";
import type { SignableBody } from "../protocol/types";
import type { CryptoPrimitives } from "./crypto-primitives";
import { KeyCache } from "./key-cache";
import type { MaybePromise } from "./maybe-promise";

/** What every algorithm of the engine runs on. */
export interface Engine {
  readonly primitives: CryptoPrimitives;
  readonly keys: KeyCache;
}

/**
 * Pairs `primitives` with a fresh key cache.
 *
 * @example
 * ```ts
 * export const nodeEngine = createEngine(nodePrimitives);
 * ```
 */
export function createEngine(primitives: CryptoPrimitives): Engine {
  return { primitives, keys: new KeyCache() };
}

/** A body as an HMAC part: strings stay strings (hashed as UTF-8 without a copy), bytes as a view. */
export function bodyPart(body: SignableBody): string | Uint8Array {
  return typeof body === "string" ? body : toBytes(body);
}

/** The prepared HMAC key of an Attesta secret: its UTF-8 bytes, as the Python library keys it. */
export function attestaKey(engine: Engine, secret: string): MaybePromise<unknown> {
  const { primitives } = engine;
  return engine.keys.get("attesta", secret, () => primitives.hmacKey(primitives.bytes(secret)));
}

/** The prepared form of a Standard Webhooks key (HMAC, ed25519 secret or public). */
export function standardKey(engine: Engine, key: StandardKey): MaybePromise<unknown> {
  const { primitives } = engine;
  return engine.keys.get(key.kind, key.source, () => {
    if (key.kind === "hmac") return primitives.hmacKey(key.bytes);
    if (key.kind === "ed25519-secret") return primitives.ed25519SecretKey(key.bytes);
    return primitives.ed25519PublicKey(key.bytes);
  });
}
