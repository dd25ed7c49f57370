/**
 * The read side of the JSON API: session, endpoints, deliveries, stats.
 * Every read is narrowed to the principal's endpoints.
 *
 * @module
 */
import type { AdminDeliveryQuery } from "@attesta/webhooks";
import { parseFilter, parseTime, scopeFilter } from "./api-query";
import type { Session } from "./authenticate";
import type { ResolvedOptions } from "./console-options";
import { deliveryDetail, deliverySummary, endpointView } from "./delivery-view";
import { json, ProblemError } from "./problem";
import { csrfTokenFor } from "./signed-tokens";

/** What a request handler gets. */
export interface ApiContext {
  readonly options: ResolvedOptions;
  readonly key: string;
  readonly session: Session;
  readonly request: Request;
  readonly url: URL;
}

const MINUTE = 60_000;

export function readSession({ options, key, session }: ApiContext): Response {
  const { source } = options;
  const scoped = session.principal.endpoints !== undefined;
  return json({
    role: session.principal.role,
    scoped,
    source: source.kind,
    capabilities: { ...source.capabilities, stats: !scoped },
    csrfToken: csrfTokenFor(key, session.credential),
  });
}

export async function listEndpoints({ options, session }: ApiContext): Promise<Response> {
  const scope = session.principal.endpoints;
  const endpoints = (await options.source.endpoints()).filter(
    (e) => scope === undefined || scope.includes(e.id),
  );
  return json({ items: endpoints.map(endpointView) });
}

export async function listDeliveries({ options, session, url }: ApiContext): Promise<Response> {
  const params = url.searchParams;
  const filter = scopeFilter(
    parseFilter((name) => params.get(name) ?? undefined),
    session.principal.endpoints,
  );
  const limitText = params.get("limit");
  const limit = limitText === null ? 50 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200)
    throw new ProblemError("invalid-request", "limit must be an integer from 1 to 200.");
  const cursor = params.get("cursor");
  if (cursor !== null && !/^[A-Za-z0-9_-]{1,400}$/.test(cursor))
    throw new ProblemError("invalid-request", "cursor must be a nextCursor from a previous page.");
  if (filter.endpoints?.length === 0) return json({ items: [] });
  const query: AdminDeliveryQuery = { ...filter, limit, ...(cursor === null ? {} : { cursor }) };
  const page = await options.source.deliveries(query);
  return json({
    items: page.items.map(deliverySummary),
    ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
  });
}

/** The delivery if it exists and the principal may see it; a 404 otherwise (never a 403, which would confirm it exists). */
export async function visibleDelivery({ options, session }: ApiContext, id: string) {
  const record = await options.source.delivery(id);
  const scope = session.principal.endpoints;
  if (record === undefined || (scope !== undefined && !scope.includes(record.endpointId)))
    throw new ProblemError("not-found", "No delivery with this id.");
  return record;
}

export async function showDelivery(context: ApiContext, id: string): Promise<Response> {
  return json(deliveryDetail(await visibleDelivery(context, id)));
}

export async function readStats({ options, session, url }: ApiContext): Promise<Response> {
  if (session.principal.endpoints !== undefined)
    throw new ProblemError(
      "forbidden",
      "Per-minute figures cover every endpoint, so an embedded portal cannot read them.",
    );
  const until = parseTime(url.searchParams.get("until"), "until") ?? Date.now();
  const since = parseTime(url.searchParams.get("since"), "since") ?? until - 60 * MINUTE;
  if (until <= since || until - since > 1440 * MINUTE)
    throw new ProblemError(
      "invalid-request",
      "since must be before until, at most 24 hours apart.",
    );
  const minutes = await options.source.stats({ since, until });
  return json({
    items: minutes.map((m) => ({
      minute: new Date(m.minute).toISOString(),
      delivered: m.delivered,
      failed: m.failed,
    })),
  });
}
