/**
 * Validation of the filters of `deliveries.list` and `recover`.
 *
 * @module
 */

import type { DeliveryQuery } from "../store/delivery-store";
import type { ListDeliveriesQuery, RecoverOptions } from "../types";
import { invalidOption, typeName } from "./invalid-option";
import { assertKnownKeys } from "./strict-options";

const STATUSES = ["pending", "delivered", "dead"];

function resolveSince(value: unknown, at: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== "number" || !Number.isFinite(ms)) {
    throw invalidOption(
      at,
      "epoch milliseconds or a valid Date",
      value,
      "pass e.g. Date.now() - 3_600_000",
    );
  }
  return ms;
}

function assertObject(value: unknown, at: string, fix: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(
      `@attesta/webhooks: ${at} must be an object; got ${typeName(value)}. Fix: ${fix}.`,
    );
  }
  return value as Record<string, unknown>;
}

function resolveString(value: unknown, at: string, fix: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.length === 0)
    throw invalidOption(at, "a non-empty string", value, fix);
  return value;
}

/**
 * The store-ready form of a list query: event upper-case, `since` in epoch
 * ms, `limit` a positive integer (default 100).
 *
 * @example
 * ```ts
 * resolveListQuery({ event: "denied", since: new Date(0) }); // { event: "DENIED", since: 0, limit: 100 }
 * ```
 */
export function resolveListQuery(query: ListDeliveriesQuery | undefined): DeliveryQuery {
  const input = assertObject(query, "deliveries.list(query)", 'pass e.g. { status: "dead" }');
  const status = input.status;
  if (status !== undefined && !STATUSES.includes(status as string)) {
    throw invalidOption(
      "deliveries.list({ status })",
      '"pending", "delivered" or "dead"',
      status,
      'use e.g. "dead"',
    );
  }
  const limit = input.limit ?? 100;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1) {
    throw invalidOption("deliveries.list({ limit })", "a positive integer", limit, "pass e.g. 100");
  }
  const endpoint = resolveString(
    input.endpoint,
    "deliveries.list({ endpoint })",
    "pass an endpoint id",
  );
  const event = resolveString(input.event, "deliveries.list({ event })", 'pass e.g. "approved"');
  const since = resolveSince(input.since, "deliveries.list({ since })");
  return {
    ...(status === undefined ? {} : { status: status as DeliveryQuery["status"] }),
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(event === undefined ? {} : { event: event.toUpperCase() }),
    ...(since === undefined ? {} : { since }),
    limit,
  };
}

/**
 * The store query that finds the dead letters `recover(options)` redelivers:
 * all of them, however many.
 *
 * @example
 * ```ts
 * resolveRecoverQuery({ endpoint: "billing" }); // { status: "dead", endpoint: "billing", limit: … }
 * ```
 */
export function resolveRecoverQuery(options: RecoverOptions | undefined): DeliveryQuery {
  const input = assertObject(options, "recover(options)", "pass { endpoint, since } or nothing");
  assertKnownKeys(input, ["endpoint", "since"], "recover(options)");
  const endpoint = resolveString(input.endpoint, "recover({ endpoint })", "pass an endpoint id");
  const since = resolveSince(input.since, "recover({ since })");
  return {
    status: "dead",
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(since === undefined ? {} : { since }),
    limit: Number.MAX_SAFE_INTEGER,
  };
}
