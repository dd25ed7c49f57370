/**
 * Header names of both schemes: the Attesta scheme shared with the Python attesta
 * library, and Standard Webhooks.
 *
 * @module
 */

/**
 * Header carrying `sha256=<hex>`. Lower-case, as Node and the Fetch API report
 * header names.
 *
 * @example
 * ```ts
 * import { SIGNATURE_HEADER } from "@attesta/verify";
 *
 * const signature = request.headers.get(SIGNATURE_HEADER);
 * ```
 */
export const SIGNATURE_HEADER = "x-attesta-signature";

/**
 * Header carrying the delivery id, stable across retries of one delivery.
 *
 * @example
 * ```ts
 * import { DELIVERY_HEADER } from "@attesta/verify";
 *
 * const deliveryId = request.headers.get(DELIVERY_HEADER);
 * ```
 */
export const DELIVERY_HEADER = "x-attesta-delivery";

/**
 * Header carrying the lower-case event name (`approved`, `denied`, …).
 *
 * @example
 * ```ts
 * import { EVENT_HEADER } from "@attesta/verify";
 *
 * const event = request.headers.get(EVENT_HEADER);
 * ```
 */
export const EVENT_HEADER = "x-attesta-event";

/**
 * Prefix of every signature header value.
 *
 * @example
 * ```ts
 * import { SIGNATURE_PREFIX } from "@attesta/verify";
 *
 * SIGNATURE_PREFIX; // "sha256="
 * ```
 */
export const SIGNATURE_PREFIX = "sha256=";

/**
 * Standard Webhooks header carrying the message id, stable across retries.
 *
 * @example
 * ```ts
 * import { WEBHOOK_ID_HEADER } from "@attesta/verify";
 *
 * const id = request.headers.get(WEBHOOK_ID_HEADER);
 * ```
 */
export const WEBHOOK_ID_HEADER = "webhook-id";

/**
 * Standard Webhooks header carrying the attempt's Unix time in seconds.
 *
 * @example
 * ```ts
 * import { WEBHOOK_TIMESTAMP_HEADER } from "@attesta/verify";
 *
 * const sentAt = Number(request.headers.get(WEBHOOK_TIMESTAMP_HEADER));
 * ```
 */
export const WEBHOOK_TIMESTAMP_HEADER = "webhook-timestamp";

/**
 * Standard Webhooks header carrying space-separated `v1,<base64>` (HMAC) and
 * `v1a,<base64>` (ed25519) signatures over `id.timestamp.body`.
 *
 * @example
 * ```ts
 * import { WEBHOOK_SIGNATURE_HEADER } from "@attesta/verify";
 *
 * const signatures = request.headers.get(WEBHOOK_SIGNATURE_HEADER);
 * ```
 */
export const WEBHOOK_SIGNATURE_HEADER = "webhook-signature";
