/**
 * Promise-returning signing for code shared with edge runtimes.
 *
 * @module
 */
import type { SignableBody } from "../types";
import { sign } from "./sign";

/**
 * Same result as {@link sign}, as a promise. Under the `node` export
 * condition it runs on node:crypto; elsewhere it runs on Web Crypto.
 *
 * @example
 * ```ts
 * import { signAsync } from "@attesta/verify";
 *
 * const header = await signAsync('{"event":"APPROVED"}', "whsec_test");
 * ```
 */
export async function signAsync(body: SignableBody, secret: string): Promise<string> {
  return sign(body, secret);
}
