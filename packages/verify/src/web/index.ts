export { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, SIGNATURE_PREFIX } from "../constants";
export { sign } from "./sign";
export { signAsync } from "./sign-async";
export { verifySignature } from "./verify-signature";
export { verifySignatureAsync } from "./verify-signature-async";
export type { SecretOrSecrets, SignableBody } from "../types";
export { AttestaVerificationError } from "../verification-error";
export type { VerificationErrorCode } from "../verification-error";
export { DEFAULT_MAX_BODY_BYTES } from "../resolve-options";
