/**
 * One received request as `listen` writes it to JSONL and `verify --from` reads it back.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { Verdict } from "../diagnose/verdict";

/** Where a verified delivery was forwarded and what came back. */
export type ForwardOutcome = { url: string; status: number } | { url: string; error: string };

/** A JSONL line of `attesta listen --jsonl` (and of its `--json` output). */
export interface DeliveryRecord {
  type: "delivery";
  received_at: string;
  method: string;
  path: string;
  event: string | null;
  delivery_id: string | null;
  size: number;
  verified: boolean;
  /** The status `listen` answered the sender with. */
  status: number;
  code: string;
  reason: string;
  /** Set when a verified payload is not an Attesta event of its type: what is off about it. */
  note?: string;
  forwarded: ForwardOutcome | null;
  headers: Record<string, string>;
  /** The body as UTF-8 text; absent when it is not valid UTF-8 (then body_base64). */
  body?: string;
  body_base64?: string;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/** The body fields of a record: text when it round-trips exactly, base64 otherwise. */
export function bodyFields(body: Uint8Array): Pick<DeliveryRecord, "body" | "body_base64"> {
  try {
    return { body: decoder.decode(body) };
  } catch {
    return { body_base64: Buffer.from(body).toString("base64") };
  }
}

/** The exact body bytes a record holds. */
export function recordBody(record: DeliveryRecord): Buffer {
  if (typeof record.body_base64 === "string") return Buffer.from(record.body_base64, "base64");
  return Buffer.from(record.body ?? "", "utf8");
}

/** The verdict fields of a record. */
export function verdictFields(
  verdict: Verdict,
): Pick<DeliveryRecord, "verified" | "code" | "reason"> {
  return { verified: verdict.ok, code: verdict.code, reason: verdict.reason };
}
