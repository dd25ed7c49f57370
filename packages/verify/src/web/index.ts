export { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, SIGNATURE_PREFIX } from "../constants";
export { DEFAULT_MAX_BODY_BYTES } from "../resolve-options";
export type { SecretOrSecrets, SignableBody } from "../types";
export type { VerificationErrorCode } from "../verification-error";
export { AttestaVerificationError } from "../verification-error";
export { sign } from "./sign";
export { signAsync } from "./sign-async";
export { verifySignature } from "./verify-signature";
export { verifySignatureAsync } from "./verify-signature-async";
