/**
 * Input types shared by every entry point.
 *
 * @module
 */

/**
 * The exact bytes of a request body. Strings are encoded as UTF-8.
 * Any `ArrayBufferView` (Buffer, Uint8Array, DataView…) is read as its bytes.
 */
export type SignableBody = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/** One secret, or several during a rotation (any one may match). */
export type SecretOrSecrets = string | readonly string[];
