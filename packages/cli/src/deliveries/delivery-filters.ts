/**
 * The filters `deliveries list` and `recover` share.
 *
 * @module
 */
import { usageError } from "../cli-error";
import { parseEventName } from "../fixtures";

const STATUSES = ["pending", "delivered", "dead"] as const;
const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** What the options select. */
export interface DeliveryFilters {
  status?: (typeof STATUSES)[number];
  endpoint?: string;
  event?: string;
  since?: number;
}

/** `--since 2h` (ago) or `--since 2025-06-15T14:00:00Z`, as epoch ms. */
export function parseSince(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const relative = /^(\d+)([smhd])$/.exec(value);
  if (relative) return now - Number(relative[1]) * (UNITS[relative[2] ?? "s"] ?? 0);
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw usageError(
      `--since must be a duration (30m, 2h, 1d) or an ISO 8601 date; got ${JSON.stringify(value)}.`,
      "pass e.g. --since 2h, or --since 2025-06-15T14:00:00Z.",
    );
  }
  return time;
}

/** Parses the filter options; `status` may be fixed by the command (recover: dead). */
export function parseFilters(values: {
  status?: string | undefined;
  endpoint?: string | undefined;
  event?: string | undefined;
  since?: string | undefined;
}): DeliveryFilters {
  const filters: DeliveryFilters = {};
  if (values.status !== undefined) {
    const status = STATUSES.find((candidate) => candidate === values.status);
    if (!status) {
      throw usageError(
        `--status must be one of ${STATUSES.join(", ")}; got ${JSON.stringify(values.status)}.`,
        "pass e.g. --status dead.",
      );
    }
    filters.status = status;
  }
  if (values.endpoint !== undefined) filters.endpoint = values.endpoint;
  if (values.event !== undefined) filters.event = parseEventName(values.event).toUpperCase();
  const since = parseSince(values.since);
  if (since !== undefined) filters.since = since;
  return filters;
}
