/**
 * The package version, for the `User-Agent` header.
 *
 * @module
 */

// Replaced at build time (tsup `define`, and vitest `define` in tests) with the
// version from package.json, so ESM and CJS builds need no file access.
declare const __ATTESTA_WEBHOOKS_VERSION__: string | undefined;

/**
 * Version of `@attesta/webhooks`, as sent in `User-Agent: attesta-webhooks/<version>`.
 *
 * @example
 * ```ts
 * import { VERSION } from "@attesta/webhooks";
 *
 * console.log(`attesta-webhooks/${VERSION}`);
 * ```
 */
export const VERSION: string =
  typeof __ATTESTA_WEBHOOKS_VERSION__ === "string" ? __ATTESTA_WEBHOOKS_VERSION__ : "0.0.0";
