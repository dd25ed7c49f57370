/**
 * The keyset cursor of a SQLite file's delivery pages: the row number (seq)
 * of the last delivery on the page, opaque to the reader.
 *
 * @module
 */
import { invalidOption } from "../options/invalid-option";

export function encodeSeqCursor(seq: number): string {
  return Buffer.from(`seq:${seq}`).toString("base64url");
}

export function decodeSeqCursor(cursor: string): number {
  const match = /^seq:(\d{1,16})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (match === null)
    throw invalidOption(
      "deliveries({ cursor })",
      "a nextCursor of this SQLite file",
      cursor,
      "start again without a cursor",
    );
  return Number(match[1]);
}
