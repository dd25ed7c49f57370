/**
 * Rows of the deliveries and attempts tables as the records that
 * `get` and `list` return.
 *
 * @module
 */
import type {
  AttemptErrorKind,
  AttemptRecord,
  DeadReason,
  DeliveryRecord,
  DeliveryStatus,
} from "../store/delivery-store";
import { parseHeaders } from "./window-entry";

/** Columns of `DELIVERY_COLUMNS`, in order, plus the attempts found for the row. */
export function deliveryRecord(row: readonly unknown[], log: AttemptRecord[]): DeliveryRecord {
  const [
    id,
    endpointId,
    event,
    body,
    status,
    attempts,
    createdAt,
    next,
    settled,
    dead,
    type,
    headers,
  ] = row;
  const record: { -readonly [K in keyof DeliveryRecord]: DeliveryRecord[K] } = {
    id: String(id),
    endpointId: String(endpointId),
    event: String(event),
    body: body as Uint8Array,
    ...(type === null || type === undefined ? {} : { contentType: String(type) }),
    ...(headers === null || headers === undefined
      ? {}
      : { headers: parseHeaders(headers) as Record<string, string> }),
    status: status as DeliveryStatus,
    attempts: Number(attempts),
    createdAt: Number(createdAt),
    attemptLog: log,
  };
  if (next !== null && status === "pending") record.nextAttemptAt = Number(next);
  if (settled !== null) record.settledAt = Number(settled);
  if (dead !== null) record.deadReason = dead as DeadReason;
  return record;
}

/** Attempt rows (`attemptsOf`), grouped by delivery id, oldest first. */
export function attemptLogs(rows: readonly (readonly unknown[])[]): Map<string, AttemptRecord[]> {
  const logs = new Map<string, AttemptRecord[]>();
  for (const [id, attempt, startedAt, durationMs, status, kind, message, response] of rows) {
    const record: { -readonly [K in keyof AttemptRecord]: AttemptRecord[K] } = {
      attempt: Number(attempt),
      startedAt: Number(startedAt),
      durationMs: Number(durationMs),
    };
    if (status !== null) record.status = Number(status);
    if (kind !== null) record.errorKind = kind as AttemptErrorKind;
    if (message !== null) record.errorMessage = String(message);
    if (response !== null) record.responseBody = String(response);
    const key = String(id);
    const log = logs.get(key);
    if (log === undefined) logs.set(key, [record]);
    else log.push(record);
  }
  return logs;
}
