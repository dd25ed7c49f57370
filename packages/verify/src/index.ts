/**
 * `@attesta/verify` under the `node` export condition: every function runs
 * on node:crypto, synchronously (the `…Async` variants resolve the same
 * values, for code shared with edge runtimes).
 *
 * @module
 */

import { defineApi } from "./engine/define-api";
import { definePreparedSigners } from "./engine/prepared-signers";
import { nodeEngine } from "./node/node-primitives";

export * from "./protocol/index";

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
} = defineApi(nodeEngine, nodeEngine);

// Documented on their type, PreparedSigners in engine/prepared-signers.ts.
export const { createAttestaSigner, createStandardSigner } = definePreparedSigners(nodeEngine);
