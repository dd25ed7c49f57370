/**
 * Deliveries and endpoints as the API shows them: times as ISO strings, the
 * body as text, the request headers that were sent with the signature
 * withheld. Nothing secret is in a source's records; this keeps it so.
 *
 * @module
 */
import type { AdminEndpoint, AttemptRecord, DeliveryRecord } from "@attesta/webhooks";

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const decoder = new TextDecoder();

/** A list row: no body, no attempt log. */
export function deliverySummary(record: DeliveryRecord) {
  const last = record.attemptLog.at(-1);
  return {
    id: record.id,
    endpointId: record.endpointId,
    event: record.event,
    status: record.status,
    attempts: record.attempts,
    createdAt: iso(record.createdAt),
    ...(record.nextAttemptAt === undefined ? {} : { nextAttemptAt: iso(record.nextAttemptAt) }),
    ...(record.settledAt === undefined ? {} : { settledAt: iso(record.settledAt) }),
    ...(record.deadReason === undefined ? {} : { deadReason: record.deadReason }),
    ...(last?.status === undefined ? {} : { lastResponseStatus: last.status }),
    ...(last?.errorKind === undefined ? {} : { lastErrorKind: last.errorKind }),
  };
}

/**
 * The full view: payload (pretty-printed when it is JSON), the content type
 * and headers it is sent with (a format function may set its own), and
 * every attempt.
 */
export function deliveryDetail(record: DeliveryRecord) {
  const body = decoder.decode(record.body);
  const contentType = record.contentType ?? "application/json";
  return {
    ...deliverySummary(record),
    contentType,
    payload: pretty(body),
    request: {
      method: "POST",
      headers: {
        "content-type": contentType,
        ...record.headers,
        "x-attesta-delivery": record.id,
        "x-attesta-signature": "sha256=(withheld)",
      },
    },
    attemptLog: record.attemptLog.map(attemptView),
  };
}

function attemptView(attempt: AttemptRecord) {
  return {
    attempt: attempt.attempt,
    startedAt: iso(attempt.startedAt),
    durationMs: attempt.durationMs,
    ...(attempt.status === undefined ? {} : { responseStatus: attempt.status }),
    ...(attempt.errorKind === undefined ? {} : { errorKind: attempt.errorKind }),
    ...(attempt.errorMessage === undefined ? {} : { errorMessage: attempt.errorMessage }),
    ...(attempt.responseBody === undefined ? {} : { responseBodyExcerpt: attempt.responseBody }),
  };
}

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** An endpoint with times as ISO strings. */
export function endpointView(endpoint: AdminEndpoint) {
  const { lastSuccessAt, ...rest } = endpoint;
  return { ...rest, ...(lastSuccessAt === undefined ? {} : { lastSuccessAt: iso(lastSuccessAt) }) };
}
