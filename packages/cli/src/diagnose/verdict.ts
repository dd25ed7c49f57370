/**
 * What a signature check concluded, in a form both `listen` and `verify` print.
 *
 * @module
 */

/** Why a delivery was accepted or refused. */
export type VerdictCode =
  | "verified"
  | "missing_signature"
  | "malformed_signature"
  | "body_changed"
  | "secret_variant"
  | "secret_mismatch"
  | "signature_mismatch"
  | "timestamp_out_of_tolerance";

/** The outcome of checking one request's signature. */
export interface Verdict {
  ok: boolean;
  code: VerdictCode;
  /** One line: which secret matched, or why nothing did. */
  reason: string;
  /** Further lines for `attesta verify`: the signed range, digests, the next step. */
  details: string[];
  /** Length of the body that was checked. */
  bodyBytes: number;
  /** How many bytes the signature was computed over, when that is known. */
  signedBytes?: number;
  /** First offset where the signed bytes and the given body differ. */
  firstDifference?: number;
  /** 1-based index of the `--secret` the signature matched (or nearly matched). */
  secret?: number;
}
