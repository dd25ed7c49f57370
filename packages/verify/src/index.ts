export { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, SIGNATURE_PREFIX } from "./constants";
export { sign } from "./node/sign";
export { signAsync } from "./node/sign-async";
export { verifySignature } from "./node/verify-signature";
export { verifySignatureAsync } from "./node/verify-signature-async";
export type { SecretOrSecrets, SignableBody } from "./types";
export { AttestaVerificationError } from "./verification-error";
export type { VerificationErrorCode } from "./verification-error";
export { DEFAULT_MAX_BODY_BYTES } from "./resolve-options";
