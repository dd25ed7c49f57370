/**
 * Health and per-minute figures derived from the delivery records a source
 * holds, for sources that keep no counters of their own.
 *
 * @module
 */
import type { DeliveryRecord } from "../store/delivery-store";
import type { AdminMinute } from "./delivery-admin";

const MINUTE = 60_000;

/** Failure share of the attempts in `records` and the time of the last success. */
export function healthOf(records: Iterable<DeliveryRecord>): {
  failureRate?: number;
  lastSuccessAt?: number;
} {
  let attempts = 0;
  let failed = 0;
  let lastSuccessAt: number | undefined;
  for (const record of records) {
    for (const attempt of record.attemptLog) {
      attempts++;
      if (attempt.errorKind !== undefined) failed++;
      else if (lastSuccessAt === undefined || attempt.startedAt > lastSuccessAt)
        lastSuccessAt = attempt.startedAt;
    }
  }
  return {
    ...(attempts === 0 ? {} : { failureRate: failed / attempts }),
    ...(lastSuccessAt === undefined ? {} : { lastSuccessAt }),
  };
}

/** One entry per minute in [since, until), counting records that settled in it. */
export function minutesOf(
  settled: Iterable<{ settledAt?: number; status: string }>,
  range: { since: number; until: number },
): AdminMinute[] {
  const minutes = emptyMinutes(range) as { minute: number; delivered: number; failed: number }[];
  const first = minutes[0]?.minute ?? 0;
  for (const record of settled) {
    if (
      record.settledAt === undefined ||
      record.settledAt < range.since ||
      record.settledAt >= range.until
    )
      continue;
    const bucket = minutes[Math.floor((record.settledAt - first) / MINUTE)];
    if (bucket === undefined) continue;
    if (record.status === "delivered") bucket.delivered++;
    else if (record.status === "dead") bucket.failed++;
  }
  return minutes;
}

/** One zero entry per minute in [since, until), at most a day's worth, oldest first. */
export function emptyMinutes(range: { since: number; until: number }): AdminMinute[] {
  const first = Math.floor(range.since / MINUTE) * MINUTE;
  const count = Math.max(0, Math.min(1440, Math.ceil((range.until - first) / MINUTE)));
  return Array.from({ length: count }, (_, i) => ({
    minute: first + i * MINUTE,
    delivered: 0,
    failed: 0,
  }));
}

/** Checks a stats range: finite, ordered, at most a day. */
export function checkRange(range: { since: number; until: number }): void {
  if (
    !Number.isFinite(range?.since) ||
    !Number.isFinite(range?.until) ||
    range.until <= range.since ||
    range.until - range.since > 1440 * MINUTE
  ) {
    throw new TypeError(
      "@attesta/webhooks: stats(range) needs finite epoch ms with since < until, at most 24 hours apart. Fix: pass e.g. { since: Date.now() - 3_600_000, until: Date.now() }.",
    );
  }
}
