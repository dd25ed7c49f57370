/**
 * The public signing and verification functions as types, with their
 * documentation: the one place both builds (node, web) take it from. Each
 * function is a callable interface so that the documentation on its call
 * signature reaches editors through the published declarations of either
 * entry point.
 *
 * @module
 */
// biome-ignore-all lint/style/useShorthandFunctionType: a function type alias would lose the documentation in the declarations.
import type {
  HeaderPair,
  HeaderSource,
  SecretOrSecrets,
  SenderScheme,
  SignableBody,
} from "../protocol/types";

/** A Standard Webhooks message to sign. */
export interface StandardMessage {
  /** The message id (`webhook-id`): the delivery id, stable across retries; no ".". */
  id: string;
  /** The attempt time: a `Date` or whole Unix seconds, fresh for each attempt. */
  timestamp: Date | number;
  /** `whsec_` HMAC secrets and/or `whsk_` ed25519 keys; one signature each. */
  secret: SecretOrSecrets;
}

/** Options of `verifyStandardWebhook`. */
export interface StandardVerifyOptions {
  /** Largest accepted distance between `webhook-timestamp` and now, in seconds; `false` skips it. Default 300. */
  toleranceSec?: number | false;
  /** The current time, as a `Date` or Unix seconds. Default: the clock. */
  now?: Date | number;
}

/** What `signatureHeaders` needs for one attempt. */
export interface SignatureHeadersOptions extends StandardMessage {
  /** Which headers to produce. Default `"attesta"`. */
  scheme?: SenderScheme;
}

/** The type of `sign`. */
export interface SignFunction {
  /**
   * Signs `body` with the Attesta scheme and returns the `X-Attesta-Signature`
   * value, `sha256=<lower-case hex HMAC-SHA256>`, exactly as the Python attesta
   * library writes it. `secret` must be a non-empty string.
   *
   * @example
   * ```ts
   * import { sign } from "@attesta/verify";
   *
   * const header = sign('{"event":"APPROVED"}', "whsec_test"); // "sha256=…"
   * ```
   */
  (body: SignableBody, secret: string): string;
}

/** The type of `signAsync`. */
export interface SignAsyncFunction {
  /**
   * Same result as `sign`, as a promise (Web Crypto outside Node).
   *
   * @example
   * ```ts
   * const header = await signAsync('{"event":"APPROVED"}', "whsec_test");
   * ```
   */
  (body: SignableBody, secret: string): Promise<string>;
}

/** The type of `verifySignature`. */
export interface VerifySignatureFunction {
  /**
   * Checks an `X-Attesta-Signature` header against the exact body bytes.
   * Returns `false`, never throws, for any malformed signature; throws
   * `TypeError` for a missing secret or a body that is not a string or bytes.
   * The comparison is constant-time behind a shape check; with several
   * secrets (rotation) any one may match.
   *
   * @example
   * ```ts
   * verifySignature(rawBody, req.headers["x-attesta-signature"], ["new-secret", "old-secret"]);
   * ```
   */
  (body: SignableBody, signature: string | null | undefined, secret: SecretOrSecrets): boolean;
}

/** The type of `verifySignatureAsync`. */
export interface VerifySignatureAsyncFunction {
  /**
   * Same result as `verifySignature`, as a promise (Web Crypto outside Node).
   *
   * @example
   * ```ts
   * const ok = await verifySignatureAsync(body, request.headers.get("x-attesta-signature"), secret);
   * ```
   */
  (
    body: SignableBody,
    signature: string | null | undefined,
    secret: SecretOrSecrets,
  ): Promise<boolean>;
}

/** The type of `signStandardWebhook`. */
export interface SignStandardWebhookFunction {
  /**
   * Signs a Standard Webhooks message and returns the `webhook-signature`
   * value: `v1,<base64 HMAC-SHA256>` per `whsec_` secret and `v1a,<base64
   * ed25519>` per `whsk_` key, over `id.timestamp.body`, space-separated.
   *
   * @example
   * ```ts
   * signStandardWebhook(body, { id: "msg_1", timestamp: new Date(), secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" });
   * ```
   */
  (body: SignableBody, message: StandardMessage): string;
}

/** The type of `signStandardWebhookAsync`. */
export interface SignStandardWebhookAsyncFunction {
  /**
   * Same result as `signStandardWebhook`, as a promise (Web Crypto outside Node).
   *
   * @example
   * ```ts
   * const value = await signStandardWebhookAsync(body, { id, timestamp, secret: env.WHSK });
   * ```
   */
  (body: SignableBody, message: StandardMessage): Promise<string>;
}

/** The type of `verifyStandardWebhook`. */
export interface VerifyStandardWebhookFunction {
  /**
   * Checks the Standard Webhooks headers of a request against its exact body:
   * one of the `webhook-signature` entries must verify under one of the keys
   * (`whsec_` HMAC secrets, `whpk_` ed25519 public keys) and
   * `webhook-timestamp` must be within `toleranceSec` (default 300) of `now`.
   * Returns a boolean and never throws on junk headers; a missing or
   * malformed key throws `TypeError`.
   *
   * @example
   * ```ts
   * verifyStandardWebhook(rawBody, req.headers, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"); // true or false
   * ```
   */
  (
    body: SignableBody,
    headers: HeaderSource,
    secret: SecretOrSecrets,
    options?: StandardVerifyOptions,
  ): boolean;
}

/** The type of `verifyStandardWebhookAsync`. */
export interface VerifyStandardWebhookAsyncFunction {
  /**
   * Same result as `verifyStandardWebhook`, as a promise (Web Crypto outside Node).
   *
   * @example
   * ```ts
   * const ok = await verifyStandardWebhookAsync(await request.arrayBuffer(), request.headers, env.WHSEC);
   * ```
   */
  (
    body: SignableBody,
    headers: HeaderSource,
    secret: SecretOrSecrets,
    options?: StandardVerifyOptions,
  ): Promise<boolean>;
}

/** The type of `signatureHeaders`. */
export interface SignatureHeadersFunction {
  /**
   * Every signature header of one delivery attempt, for a sender: under
   * `"attesta"` `x-attesta-signature`; under `"standard-webhooks"`
   * `webhook-id`, `webhook-timestamp` and `webhook-signature`; under `"both"`
   * all four. `X-Attesta-Signature` is signed with the first secret that is
   * not a `whsk_` key; `webhook-signature` gets one entry per secret.
   *
   * @example
   * ```ts
   * const pairs = signatureHeaders(body, { scheme: "both", id: deliveryId, timestamp: new Date(), secret });
   * for (const [name, value] of pairs) headers.push(name, value);
   * ```
   */
  (body: SignableBody, options: SignatureHeadersOptions): HeaderPair[];
}

/** The type of `signatureHeadersAsync`. */
export interface SignatureHeadersAsyncFunction {
  /**
   * Same result as `signatureHeaders`, as a promise (Web Crypto outside Node).
   *
   * @example
   * ```ts
   * const pairs = await signatureHeadersAsync(body, { scheme: "standard-webhooks", id, timestamp, secret });
   * ```
   */
  (body: SignableBody, options: SignatureHeadersOptions): Promise<HeaderPair[]>;
}

/** The public functions of one build, as `defineApi` returns them. */
export interface VerifyApi {
  readonly sign: SignFunction;
  readonly signAsync: SignAsyncFunction;
  readonly verifySignature: VerifySignatureFunction;
  readonly verifySignatureAsync: VerifySignatureAsyncFunction;
  readonly signStandardWebhook: SignStandardWebhookFunction;
  readonly signStandardWebhookAsync: SignStandardWebhookAsyncFunction;
  readonly verifyStandardWebhook: VerifyStandardWebhookFunction;
  readonly verifyStandardWebhookAsync: VerifyStandardWebhookAsyncFunction;
  readonly signatureHeaders: SignatureHeadersFunction;
  readonly signatureHeadersAsync: SignatureHeadersAsyncFunction;
}
