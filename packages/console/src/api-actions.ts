/**
 * The acting side of the JSON API: redeliver, bulk retry, recover, enable,
 * disable, rotate. Operators only, CSRF-checked by the router, bulk actions
 * rate-limited, and each refused up front when the source cannot do it.
 *
 * @module
 */
import type { AdminCapabilities } from "@attesta/webhooks";
import { parseFilter, parseTime, readJsonBody, scopeFilter } from "./api-query";
import { type ApiContext, visibleDelivery } from "./api-reads";
import type { BulkLimiter } from "./bulk-limiter";
import { json, ProblemError } from "./problem";

function need(
  context: ApiContext,
  capability: keyof Omit<AdminCapabilities, "notes">,
  action: string,
): void {
  if (!context.options.source.capabilities[capability])
    throw new ProblemError(
      "not-supported",
      `${action} is not possible with a ${context.options.source.kind} source. ${context.options.source.capabilities.notes.join(" ")}`,
    );
}

function checkBulk(context: ApiContext, limiter: BulkLimiter): void {
  const wait = limiter.take(context.session.credential);
  if (wait !== undefined)
    throw new ProblemError(
      "rate-limited",
      `At most ${limiter.perMinute} bulk actions a minute; try again in ${wait} s.`,
      { "retry-after": String(wait) },
    );
}

const accepted = (context: ApiContext, body: Record<string, unknown>) =>
  json({ ...body, deferred: context.options.source.capabilities.deferred }, 202);

export async function redeliver(context: ApiContext, id: string): Promise<Response> {
  need(context, "redeliver", "Redelivery");
  const record = await visibleDelivery(context, id);
  if (record.status === "pending")
    throw new ProblemError(
      "invalid-request",
      "The delivery is still pending; only delivered or dead deliveries are sent again.",
    );
  const done = await context.options.source.redeliver(id);
  if (!done)
    throw new ProblemError(
      "invalid-request",
      "The source could not redeliver it (its endpoint may be gone, or its body is not JSON).",
    );
  return accepted(context, { redelivered: 1 });
}

export async function retry(context: ApiContext, limiter: BulkLimiter): Promise<Response> {
  need(context, "bulkRetry", "Bulk retry");
  const body = await readJsonBody(context.request);
  const filter = scopeFilter(
    parseFilter((name) => body[name]),
    context.session.principal.endpoints,
  );
  if (filter.status === "pending")
    throw new ProblemError(
      "invalid-request",
      'Bulk retry takes status "dead" (default) or "delivered".',
    );
  checkBulk(context, limiter);
  if (filter.endpoints?.length === 0) return accepted(context, { redelivered: 0 });
  return accepted(context, { redelivered: await context.options.source.retry(filter) });
}

export async function recover(context: ApiContext, limiter: BulkLimiter): Promise<Response> {
  need(context, "bulkRetry", "Recover");
  const body = await readJsonBody(context.request);
  const since = parseTime(body.since, "since");
  if (since === undefined)
    throw new ProblemError("invalid-request", "since is required: the time the outage began.");
  const { endpoints } = scopeFilter(
    parseFilter((name) => (name === "endpoint" ? body.endpoint : undefined)),
    context.session.principal.endpoints,
  );
  checkBulk(context, limiter);
  if (endpoints?.length === 0) return accepted(context, { redelivered: 0 });
  return accepted(context, {
    redelivered: await context.options.source.recover({
      since,
      ...(endpoints === undefined ? {} : { endpoints }),
    }),
  });
}

async function visibleEndpoint(context: ApiContext, id: string): Promise<void> {
  const scope = context.session.principal.endpoints;
  const known = (await context.options.source.endpoints()).some((e) => e.id === id);
  if (!known || (scope !== undefined && !scope.includes(id)))
    throw new ProblemError("not-found", "No endpoint with this id.");
}

export async function toggleEndpoint(
  context: ApiContext,
  id: string,
  enable: boolean,
): Promise<Response> {
  need(context, "toggleEndpoints", enable ? "Enabling an endpoint" : "Disabling an endpoint");
  await visibleEndpoint(context, id);
  const changed = await (enable
    ? context.options.source.enableEndpoint(id)
    : context.options.source.disableEndpoint(id));
  return json({ changed });
}

export async function rotateSecret(context: ApiContext, id: string): Promise<Response> {
  need(context, "rotateSecret", "Rotating a secret");
  await visibleEndpoint(context, id);
  const body = await readJsonBody(context.request);
  if (typeof body.secret !== "string" || body.secret.length < 16 || body.secret.length > 1024)
    throw new ProblemError("invalid-request", "secret must be a string of 16 to 1024 characters.");
  await context.options.source.rotateSecret(id, body.secret);
  return json({ rotated: true });
}
