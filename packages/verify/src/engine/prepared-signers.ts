/**
 * Prepared signers: the key of one secret is imported once, and each call
 * then costs one HMAC. For senders that sign many bodies with the same
 * secret (a webhook dispatcher, a diagnosing CLI).
 *
 * @module
 */
import { assertSignableBody } from "../protocol/assert-signable-body";
import { SIGNATURE_PREFIX } from "../protocol/headers";
import { assertSigningSecret } from "../protocol/normalize-secrets";
import { messageTimestamp } from "../protocol/signing-plan";
import { signingKeys } from "../protocol/standard-key";
import type { SignableBody } from "../protocol/types";
import { bodyPart, type Engine } from "./engine";
import { signStandard } from "./standard-scheme";

/** Signs one body: returns the `X-Attesta-Signature` value, `sha256=<hex>`. */
export type AttestaSigner = (body: SignableBody) => string;

/** Signs one message: returns the `webhook-signature` value (`v1,<base64>` or `v1a,<base64>`). */
export type StandardSigner = (body: SignableBody, id: string, timestamp: number | Date) => string;

/** The signer factories of one build, over its synchronous engine. */
export interface PreparedSigners {
  /**
   * A signer for the Attesta scheme, keyed with the UTF-8 bytes of `secret`
   * (as `sign` and the Python library key it), or with the bytes given, its
   * key prepared once.
   *
   * @throws TypeError when `secret` is neither a non-empty string nor non-empty bytes.
   * @example
   * ```ts
   * const signAttesta = createAttestaSigner(process.env.WEBHOOK_SECRET);
   * headers["x-attesta-signature"] = signAttesta(body); // "sha256=…"
   * ```
   */
  createAttestaSigner(secret: string | Uint8Array): AttestaSigner;
  /**
   * A signer for Standard Webhooks, for one `whsec_` (HMAC) or `whsk_`
   * (ed25519, Node only) key decoded once, or for raw HMAC key bytes.
   * Signs `id.timestamp.body`.
   *
   * @throws TypeError when `secret` is not a Standard Webhooks signing key or non-empty bytes.
   * @example
   * ```ts
   * const signStandard = createStandardSigner("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
   * signStandard(body, "msg_1", 1614265330); // "v1,…"
   * ```
   */
  createStandardSigner(secret: string | Uint8Array): StandardSigner;
}

function hmacKeyOf(engine: Engine, secret: string | Uint8Array): unknown {
  const { primitives } = engine;
  if (secret instanceof Uint8Array) {
    if (secret.length === 0) {
      throw new TypeError(
        "@attesta/verify: secret must be non-empty bytes; got 0 bytes. Fix: pass the shared key.",
      );
    }
    return primitives.hmacKey(secret);
  }
  assertSigningSecret(secret);
  return primitives.hmacKey(primitives.bytes(secret));
}

function attestaSigner(engine: Engine, secret: string | Uint8Array): AttestaSigner {
  const { primitives } = engine;
  // Prepared here and held by the closure: no cache lookup per body.
  const key = hmacKeyOf(engine, secret);
  return (body) => {
    assertSignableBody(body);
    return SIGNATURE_PREFIX + (primitives.hmac(key, [bodyPart(body)], "hex") as string);
  };
}

function standardSigner(engine: Engine, secret: string | Uint8Array): StandardSigner {
  const keys = typeof secret === "string" ? signingKeys([secret], "secret") : undefined;
  const first = keys?.[0];
  if (keys !== undefined && first?.kind !== "hmac") {
    // ed25519: signStandard prepares the key once, in the engine's cache.
    return (body, id, timestamp) => {
      const seconds = messageTimestamp(id, timestamp);
      assertSignableBody(body);
      return signStandard(engine, body, id, seconds, keys) as string;
    };
  }
  const key = hmacKeyOf(engine, first?.bytes ?? secret);
  const { primitives } = engine;
  return (body, id, timestamp) => {
    const seconds = messageTimestamp(id, timestamp);
    assertSignableBody(body);
    const parts = [`${id}.${seconds}.`, bodyPart(body)];
    return `v1,${primitives.hmac(key, parts, "base64") as string}`;
  };
}

/**
 * The signer factories over `engine`, whose primitives must be synchronous
 * (node:crypto, or @noble/hashes in the web build).
 *
 * @example
 * ```ts
 * export const { createAttestaSigner } = definePreparedSigners(nodeEngine);
 * ```
 */
export function definePreparedSigners(engine: Engine): PreparedSigners {
  return {
    createAttestaSigner: (secret) => attestaSigner(engine, secret),
    createStandardSigner: (secret) => standardSigner(engine, secret),
  };
}
