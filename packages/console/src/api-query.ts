/**
 * Query strings and JSON bodies of the API, checked into `DeliveryAdmin`
 * filters. A bad value is a 400 problem naming the parameter.
 *
 * @module
 */
import type { AdminDeliveryFilter } from "@attesta/webhooks";
import { ProblemError } from "./problem";

const STATUSES = ["pending", "delivered", "dead"] as const;

/** Epoch ms of an ISO time or epoch-ms number; a 400 otherwise. */
export function parseTime(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  const ms =
    typeof value === "number"
      ? value
      : /^\d+$/.test(String(value))
        ? Number(value)
        : Date.parse(String(value));
  if (!Number.isFinite(ms))
    throw new ProblemError(
      "invalid-request",
      `${name} must be an ISO 8601 time or epoch milliseconds.`,
    );
  return ms;
}

/** A filter from query parameters or a JSON body's fields. */
export function parseFilter(get: (name: string) => unknown): AdminDeliveryFilter {
  const status = get("status");
  if (
    status !== undefined &&
    status !== null &&
    status !== "" &&
    !STATUSES.includes(status as never)
  )
    throw new ProblemError("invalid-request", 'status must be "pending", "delivered" or "dead".');
  const endpoint = get("endpoint");
  if (
    endpoint !== undefined &&
    endpoint !== null &&
    (typeof endpoint !== "string" || endpoint.length > 200)
  )
    throw new ProblemError("invalid-request", "endpoint must be an endpoint id.");
  const event = get("event");
  if (
    event !== undefined &&
    event !== null &&
    (typeof event !== "string" || !/^[A-Za-z0-9_.:-]{0,100}$/.test(event))
  )
    throw new ProblemError("invalid-request", "event must be an event name such as DENIED.");
  const since = parseTime(get("since"), "since");
  const until = parseTime(get("until"), "until");
  return {
    ...(status ? { status: status as AdminDeliveryFilter["status"] } : {}),
    ...(endpoint ? { endpoints: [endpoint as string] } : {}),
    ...(event ? { event: (event as string).toUpperCase() } : {}),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
  };
}

/** Narrows a filter to the endpoints a principal may see; `undefined` scope means all. */
export function scopeFilter<T extends AdminDeliveryFilter>(
  filter: T,
  scope: readonly string[] | undefined,
): T {
  if (scope === undefined) return filter;
  const endpoints =
    filter.endpoints === undefined
      ? [...scope]
      : filter.endpoints.filter((id) => scope.includes(id));
  return { ...filter, endpoints };
}

/** The JSON object of a request body (at most 16 KiB); a 400 otherwise. */
export async function readJsonBody(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type))
    throw new ProblemError("invalid-request", "Send the body as application/json.");
  const text = await request.text();
  if (text.length > 16_384)
    throw new ProblemError("invalid-request", "The body is larger than 16 KiB.");
  if (text.trim() === "") return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === "object" && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {}
  throw new ProblemError("invalid-request", "The body must be a JSON object.");
}
