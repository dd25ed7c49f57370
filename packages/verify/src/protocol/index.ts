/**
 * The protocol core, exported by every entry point: header names, the
 * payload type and its mapping, shape checks, errors and option types.
 *
 * @module
 */
export type { WebhookPayload } from "@attesta/events";
export type {
  AttestaSigner,
  PreparedSigners,
  StandardSigner,
} from "../engine/prepared-signers";
export type {
  SignatureHeadersOptions,
  StandardMessage,
  StandardVerifyOptions,
} from "../engine/public-api";
export { DEFAULT_MAX_AGE_SEC, DEFAULT_MAX_BODY_BYTES } from "../middleware/resolve-options";
export { MemoryReplayStore, type MemoryReplayStoreOptions } from "../replay/memory-replay-store";
export type { ReplayStore } from "../replay/replay-store";
export {
  DELIVERY_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  SIGNATURE_PREFIX,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
} from "./headers";
export { isWellFormedSignature } from "./is-well-formed-signature";
export {
  type DispatchableEvent,
  isWebhookPayload,
  parseWebhookPayload,
  toWebhookPayload,
} from "./payload";
export { decodeStandardSecret } from "./standard-key";
export { DEFAULT_TOLERANCE_SEC, isValidMessageId } from "./standard-message";
export type {
  HeaderPair,
  HeaderSource,
  ReceiverScheme,
  SecretOrSecrets,
  SenderScheme,
  SignableBody,
} from "./types";
export { AttestaVerificationError, type VerificationErrorCode } from "./verification-error";
