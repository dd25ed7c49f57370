/**
 * How `deliveries list` and `show` print stored deliveries.
 *
 * @module
 */
import type { AdminEndpoint, DeliveryRecord } from "@attesta/webhooks";
import { formatSize } from "../bytes";
import type { Palette } from "../color";

const decoder = new TextDecoder();
const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

function statusText(record: DeliveryRecord, paint: Palette): string {
  const text = record.status === "dead" ? `dead (${record.deadReason ?? "?"})` : record.status;
  const color =
    record.status === "delivered"
      ? paint.green
      : record.status === "dead"
        ? paint.red
        : paint.yellow;
  return color(text.padEnd(20));
}

function lastResult(record: DeliveryRecord): string {
  const last = record.attemptLog.at(-1);
  if (last === undefined) return "no attempt yet";
  return last.status !== undefined
    ? `HTTP ${last.status}`
    : (last.errorKind ?? last.errorMessage ?? "failed");
}

/** The header and one line per delivery. */
export function formatTable(records: readonly DeliveryRecord[], paint: Palette): string[] {
  const header = paint.dim(
    `${"ID".padEnd(36)}  ${"CREATED".padEnd(24)}  ${"ENDPOINT".padEnd(16)}  ${"EVENT".padEnd(19)}  ${"STATUS".padEnd(20)}  ATTEMPTS  LAST`,
  );
  return [
    header,
    ...records.map(
      (record) =>
        `${record.id.padEnd(36)}  ${iso(record.createdAt)}  ${record.endpointId.padEnd(16)}  ${record.event.padEnd(19)}  ${statusText(record, paint)}  ${String(record.attempts).padStart(8)}  ${lastResult(record)}`,
    ),
  ];
}

/** Everything stored about one delivery, attempt by attempt, and its body. */
export function formatDetails(record: DeliveryRecord, paint: Palette): string[] {
  const lines = [
    `${paint.bold(record.id)}  ${record.event} to ${record.endpointId}`,
    `  status      ${statusText(record, paint).trim()}`,
    `  created     ${iso(record.createdAt)}`,
  ];
  if (record.nextAttemptAt !== undefined) lines.push(`  next        ${iso(record.nextAttemptAt)}`);
  if (record.settledAt !== undefined) lines.push(`  settled     ${iso(record.settledAt)}`);
  lines.push(`  attempts    ${record.attempts}`);
  for (const attempt of record.attemptLog) {
    const result =
      attempt.status !== undefined ? `HTTP ${attempt.status}` : (attempt.errorKind ?? "failed");
    const message = attempt.errorMessage ? `  ${paint.dim(attempt.errorMessage)}` : "";
    lines.push(
      `    #${attempt.attempt}  ${iso(attempt.startedAt)}  ${result.padEnd(12)} ${Math.round(attempt.durationMs)} ms${message}`,
    );
  }
  // A format function may send its own content type and headers; the default is JSON.
  lines.push(`  type        ${record.contentType ?? "application/json"}`);
  for (const [name, value] of Object.entries(record.headers ?? {}))
    lines.push(`  header      ${name}: ${value}`);
  lines.push(`  body (${formatSize(record.body.length)})`, `    ${decoder.decode(record.body)}`);
  return lines;
}

/**
 * One line per disabled endpoint among those of the listed deliveries: why,
 * with the chat service's code when it said the destination is gone.
 */
export function disabledLines(
  endpoints: readonly AdminEndpoint[],
  records: readonly DeliveryRecord[],
  paint: Palette,
): string[] {
  const listed = new Set(records.map((record) => record.endpointId));
  return endpoints
    .filter((endpoint) => endpoint.state === "disabled" && listed.has(endpoint.id))
    .map((endpoint) =>
      paint.yellow(`endpoint ${endpoint.id} is disabled (${disabledWhy(endpoint)})`),
    );
}

function disabledWhy(endpoint: AdminEndpoint): string {
  const reason = endpoint.disabledReason ?? "reason unknown";
  return endpoint.disabledReceiverCode === undefined
    ? reason
    : `${reason}: ${endpoint.disabledReceiverCode}`;
}

/** The `--json` form of a delivery: the body as text, times as ISO strings. */
export function deliveryJson(record: DeliveryRecord): Record<string, unknown> {
  return {
    id: record.id,
    endpoint: record.endpointId,
    event: record.event,
    status: record.status,
    dead_reason: record.deadReason ?? null,
    attempts: record.attempts,
    created_at: iso(record.createdAt),
    next_attempt_at: iso(record.nextAttemptAt),
    settled_at: iso(record.settledAt),
    attempt_log: record.attemptLog.map((attempt) => ({
      attempt: attempt.attempt,
      started_at: iso(attempt.startedAt),
      duration_ms: Math.round(attempt.durationMs * 10) / 10,
      status: attempt.status ?? null,
      error_kind: attempt.errorKind ?? null,
      error_message: attempt.errorMessage ?? null,
    })),
    content_type: record.contentType ?? "application/json",
    headers: record.headers ?? {},
    body: decoder.decode(record.body),
  };
}
