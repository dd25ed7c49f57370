/**
 * Picking one record out of a `listen --jsonl` file.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { ioError, usageError } from "../cli-error";
import type { DeliveryRecord } from "./delivery-record";

function isRecord(value: unknown): value is DeliveryRecord {
  const record = value as DeliveryRecord;
  return (
    typeof value === "object" &&
    value !== null &&
    typeof record.headers === "object" &&
    (typeof record.body === "string" || typeof record.body_base64 === "string")
  );
}

/**
 * The record at 1-based `index` (negative counts from the end; default the
 * last one), or the one whose delivery id is `id`.
 */
export async function readRecord(
  path: string,
  pick: { index?: number; id?: string },
): Promise<DeliveryRecord> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw ioError(
      `--from ${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? "error"}).`,
      "pass the file attesta listen --jsonl wrote.",
      error,
    );
  }
  const records = text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, number) => {
      try {
        const value: unknown = JSON.parse(line);
        if (isRecord(value)) return value;
      } catch {}
      throw usageError(
        `--from ${path}: line ${number + 1} is not a delivery record.`,
        "pass a file written by attesta listen --jsonl.",
      );
    });
  if (records.length === 0) {
    throw usageError(
      `--from ${path} holds no deliveries yet.`,
      "send a delivery to attesta listen first.",
    );
  }
  if (pick.id !== undefined) {
    const found = records.find((record) => record.delivery_id === pick.id);
    if (found) return found;
    throw usageError(
      `--from ${path}: no delivery with id ${JSON.stringify(pick.id)}.`,
      "copy the id from the listen output or the delivery_id field, or pick one with --index.",
    );
  }
  const index = pick.index ?? -1;
  const found = records.at(index > 0 ? index - 1 : index);
  if (!found || index === 0) {
    throw usageError(
      `--from ${path}: --index ${index} is out of range; the file holds ${records.length} deliveries.`,
      `pass --index 1 to ${records.length} (or -1 for the last).`,
    );
  }
  return found;
}
