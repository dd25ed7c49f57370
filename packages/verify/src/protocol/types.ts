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

/**
 * What a sender signs with: the Attesta header (`X-Attesta-Signature`, what
 * the Python library verifies), the three Standard Webhooks headers, or both.
 */
export type SenderScheme = "attesta" | "standard-webhooks" | "both";

/** What a receiver accepts: one scheme, or either (while a sender migrates). */
export type ReceiverScheme = "attesta" | "standard-webhooks" | "any";

/**
 * Request headers as a Fetch `Headers`, a Node `IncomingHttpHeaders`-like
 * record (lower-case names), or a lookup function.
 */
export type HeaderSource =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | ((name: string) => string | null | undefined);

/** One header to send, `[name, value]`, name in lower case. */
export type HeaderPair = [name: string, value: string];
