/**
 * Header names and the signature scheme shared with the Python attesta library.
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
