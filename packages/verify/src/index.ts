/**
 * `@attesta/verify` under the `node` export condition: every function runs
 * on node:crypto, synchronously (the `…Async` variants resolve the same
 * values, for code shared with edge runtimes).
 *
 * @module
 */
import { defineApi } from "./engine/define-api";
import { nodeEngine } from "./node/node-primitives";

export * from "./protocol/index";

const api = defineApi(nodeEngine, nodeEngine);

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
export const sign = api.sign;

/**
 * Same result as {@link sign}, as a promise (Web Crypto outside Node).
 *
 * @example
 * ```ts
 * const header = await signAsync('{"event":"APPROVED"}', "whsec_test");
 * ```
 */
export const signAsync = api.signAsync;

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
export const verifySignature = api.verifySignature;

/**
 * Same result as {@link verifySignature}, as a promise (Web Crypto outside Node).
 *
 * @example
 * ```ts
 * const ok = await verifySignatureAsync(body, request.headers.get("x-attesta-signature"), secret);
 * ```
 */
export const verifySignatureAsync = api.verifySignatureAsync;

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
export const signStandardWebhook = api.signStandardWebhook;

/**
 * Same result as {@link signStandardWebhook}, as a promise (Web Crypto outside Node).
 *
 * @example
 * ```ts
 * const value = await signStandardWebhookAsync(body, { id, timestamp, secret: env.WHSK });
 * ```
 */
export const signStandardWebhookAsync = api.signStandardWebhookAsync;

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
export const verifyStandardWebhook = api.verifyStandardWebhook;

/**
 * Same result as {@link verifyStandardWebhook}, as a promise (Web Crypto outside Node).
 *
 * @example
 * ```ts
 * const ok = await verifyStandardWebhookAsync(await request.arrayBuffer(), request.headers, env.WHSEC);
 * ```
 */
export const verifyStandardWebhookAsync = api.verifyStandardWebhookAsync;

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
export const signatureHeaders = api.signatureHeaders;

/**
 * Same result as {@link signatureHeaders}, as a promise (Web Crypto outside Node).
 *
 * @example
 * ```ts
 * const pairs = await signatureHeadersAsync(body, { scheme: "standard-webhooks", id, timestamp, secret });
 * ```
 */
export const signatureHeadersAsync = api.signatureHeadersAsync;
