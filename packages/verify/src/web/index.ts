/**
 * `@attesta/verify` outside the `node` condition (Workers, browsers): no Node
 * built-ins. The `…Async` functions run on Web Crypto; the synchronous ones
 * hash with the audited @noble/hashes, and cannot do ed25519.
 *
 * @module
 */

import { defineApi } from "../engine/define-api";
import { definePreparedSigners } from "../engine/prepared-signers";
import { nobleEngine } from "./noble-primitives";
import { webCryptoEngine } from "./web-crypto-primitives";

export * from "../protocol/index";

// Each function's documentation is on its type in engine/public-api.ts, shared by both builds.
export const {
  sign,
  signAsync,
  verifySignature,
  verifySignatureAsync,
  signStandardWebhook,
  signStandardWebhookAsync,
  verifyStandardWebhook,
  verifyStandardWebhookAsync,
  signatureHeaders,
  signatureHeadersAsync,
} = defineApi(nobleEngine, webCryptoEngine);

// Documented on their type, PreparedSigners in engine/prepared-signers.ts.
export const { createAttestaSigner, createStandardSigner } = definePreparedSigners(nobleEngine);
