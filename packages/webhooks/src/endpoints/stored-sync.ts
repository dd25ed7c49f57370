/**
 * Endpoints changed by another process that shares the store: what differs
 * between the stored configs and this dispatcher's is applied here, and
 * nothing is written back (the store already has it), so two processes do
 * not echo each other's changes.
 *
 * @module
 */
import type { OperatorEvent } from "../reporting/operator-events";
import type { Endpoint } from "../router/endpoint";
import { type ResolvedConfig, resolveConfig } from "../router/resolve-configs";
import type { Router } from "../router/router";
import type { SchedulerRegistry } from "../scheduler/scheduler-registry";
import type { DeliveryStore, StoredEndpoint } from "../store/delivery-store";
import type { EndpointRecords, RestoredConfig, SecretResolver } from "./endpoint-records";

/** What the sync changes: the admin's registry. */
export interface SyncTarget {
  readonly router: Router;
  readonly scheduler: SchedulerRegistry;
  readonly records: EndpointRecords;
  readonly store: DeliveryStore;
  /** Ids seen in the store: only these are removed when they are gone from it. */
  readonly seen: Set<string>;
  /** Ids being removed here because they are gone from the store. */
  readonly leaving: Set<string>;
  given(id: string): Record<string, unknown> | undefined;
  adopt(restored: RestoredConfig): boolean;
  apply(
    endpoint: Endpoint,
    resolved: ResolvedConfig,
    given: Record<string, unknown>,
    changed: string[],
  ): void;
  /** Removes without writing to the store; drains what this process holds first. */
  drop(id: string): Promise<unknown>;
  emit(event: OperatorEvent): void;
  log(level: "warn" | "error", message: string, fields: Record<string, unknown>): void;
  /** `options.secrets` threw for the endpoint. */
  resolveFailed(id: string, error: unknown): void;
}

export function syncStored(
  target: SyncTarget,
  stored: readonly StoredEndpoint[],
  resolveSecret: SecretResolver | undefined,
): void {
  const { router, seen, leaving } = target;
  const ids = new Set(stored.map((endpoint) => endpoint.id));
  for (const id of [...seen]) {
    if (ids.has(id) || leaving.has(id) || router.endpoint(id) === undefined) continue;
    leaving.add(id);
    void target.drop(id).finally(() => leaving.delete(id));
  }
  for (const endpoint of stored) {
    seen.add(endpoint.id);
    const known = router.endpoint(endpoint.id);
    if (known !== undefined && leaving.has(endpoint.id)) continue;
    const [restored] = target.records.withSecrets(
      [endpoint],
      new Set(),
      resolveSecret,
      target.resolveFailed,
    );
    if (restored === undefined) continue;
    if (known === undefined) {
      if (!target.adopt(restored)) continue;
      if (restored.secretMissing)
        target.scheduler.loop(endpoint.id)?.health.disable("secret_missing");
      syncState(target, endpoint);
      stopRouting(target, endpoint);
      continue;
    }
    const given = target.given(endpoint.id) ?? {};
    if (!sameConfig(target.records.form(endpoint.id, given), endpoint)) {
      changeConfig(target, known, withLocalSecret(restored, endpoint, given), given);
    }
    syncState(target, endpoint);
    stopRouting(target, endpoint);
  }
}

/** Being removed with drain by another process: no new events, what is owed still goes out. */
function stopRouting(target: SyncTarget, stored: StoredEndpoint): void {
  const endpoint = stored.retiring === true ? target.router.endpoint(stored.id) : undefined;
  if (endpoint !== undefined) target.router.unroute(endpoint);
}

/** A secret this process has for a signed endpoint whose stored config has none. */
function withLocalSecret(
  restored: RestoredConfig,
  stored: StoredEndpoint,
  given: Record<string, unknown>,
): RestoredConfig {
  if (!restored.secretMissing || !stored.signed || given.secret === undefined) return restored;
  return {
    ...restored,
    config: { ...restored.config, secret: given.secret },
    secretMissing: false,
  };
}

function changeConfig(
  target: SyncTarget,
  endpoint: Endpoint,
  restored: RestoredConfig,
  before: Record<string, unknown>,
): void {
  let resolved: ResolvedConfig;
  try {
    resolved = resolveConfig(
      restored.config,
      `stored endpoint "${endpoint.id}"`,
      () => endpoint.id,
    );
  } catch (error) {
    target.log("error", `stored endpoint "${endpoint.id}" is not a valid config; not applied`, {
      endpointId: endpoint.id,
      error,
    });
    return;
  }
  const keys = new Set([...Object.keys(before), ...Object.keys(restored.config)]);
  const changed = [...keys].filter(
    (key) => key !== "secret" && canonical(before[key]) !== canonical(restored.config[key]),
  );
  target.apply(endpoint, resolved, restored.config, changed);
  // Signed elsewhere with a secret this process cannot find: it must not send unsigned.
  if (restored.secretMissing) target.scheduler.loop(endpoint.id)?.health.disable("secret_missing");
}

/** Disables or enables the endpoint here as the store says (never over `secret_missing`). */
function syncState(target: SyncTarget, stored: StoredEndpoint): void {
  const loop = target.scheduler.loop(stored.id);
  if (loop === undefined) return;
  const local = loop.health.disabled;
  if (stored.disabled !== undefined && local === undefined) {
    // Reported as restored: the store has it already, so it is not written back.
    const { reason, since, receiverCode } = stored.disabled;
    loop.health.disable(reason, { restored: { since }, receiverCode });
  } else if (stored.disabled === undefined && local !== undefined && local !== "secret_missing") {
    loop.health.enable();
    const { endpoint } = loop;
    const pending = target.store.pendingCount(stored.id);
    target.emit({
      name: "endpoint.enabled",
      data: { endpointId: endpoint.id, url: endpoint.config.label, pending },
    });
    loop.pump();
  }
}

function sameConfig(
  local: { config: Readonly<Record<string, unknown>>; signed: boolean },
  stored: StoredEndpoint,
): boolean {
  return local.signed === stored.signed && canonical(local.config) === canonical(stored.config);
}

/** JSON with sorted keys: the database gives keys back in an order of its own. */
function canonical(value: unknown): string {
  return (
    JSON.stringify(value, (_key, inner: unknown) =>
      inner !== null && typeof inner === "object" && !Array.isArray(inner)
        ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : 1)))
        : inner,
    ) ?? "undefined"
  );
}
