export { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, SIGNATURE_PREFIX } from "./constants";
export { sign } from "./node/sign";
export { signAsync } from "./node/sign-async";
export { verifySignature } from "./node/verify-signature";
export { verifySignatureAsync } from "./node/verify-signature-async";
export { DEFAULT_MAX_BODY_BYTES } from "./resolve-options";
export type { SecretOrSecrets, SignableBody } from "./types";
export type { VerificationErrorCode } from "./verification-error";
export { AttestaVerificationError } from "./verification-error";
