/**
 * Endpoints at run time: `addEndpoint`, `updateEndpoint`, `removeEndpoint`,
 * `enableEndpoint`, `disableEndpoint` and `endpoints()` of the dispatcher.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { invalidOption } from "../options/invalid-option";
import type { OperatorEvent } from "../reporting/operator-events";
import type { Endpoint } from "../router/endpoint";
import { type ResolvedConfig, resolveConfig } from "../router/resolve-configs";
import type { Router } from "../router/router";
import type { SchedulerRegistry } from "../scheduler/scheduler-registry";
import type { DeliveryStore, StoredEndpoint } from "../store/delivery-store";
import type { WebhookConfig } from "../types";
import { drainEndpoint } from "./drain-endpoint";
import { describeEndpoints, type EndpointInfo } from "./endpoint-list";
import { EndpointRecords, type RestoredConfig, type SecretResolver } from "./endpoint-records";
import { EndpointStates, type RestoredState } from "./endpoint-states";
import { type SyncTarget, syncStored } from "./stored-sync";

export type { EndpointInfo } from "./endpoint-list";

/** Options of `removeEndpoint`. */
export interface RemoveEndpointOptions {
  /**
   * `true` (default): stop routing events to it, then wait until what it
   * is owed is delivered or dead. `false`: dead-letter what it is owed at
   * once (reason `"removed"`). A disabled endpoint cannot drain, so it is
   * removed as with `false`.
   */
  readonly drain?: boolean;
}

/** What the dispatcher lends the admin. */
export interface EndpointAdminDeps {
  readonly router: Router;
  readonly scheduler: SchedulerRegistry;
  readonly store: DeliveryStore;
  emit(event: OperatorEvent): void;
  /** Resolves once `done()` holds, checked whenever a delivery settles. */
  waitFor(done: () => boolean): Promise<void>;
  /** Something changed that flush(), close() or a draining remove waits on. */
  settled(): void;
  warnUnsigned(ids: readonly string[]): void;
  log(level: "warn" | "error", message: string, fields: Record<string, unknown>): void;
}

const mintId = (): string => `ep_${randomBytes(8).toString("hex")}`;

/** Keeps the configs as given (secrets included, in memory only) so that patches can be merged. */
export class EndpointAdmin {
  private readonly given = new Map<string, Record<string, unknown>>();
  private readonly records: EndpointRecords;
  /** Restored without their secret: enabling them would send unsigned requests. */
  private readonly secretLost = new Set<string>();
  /** Ids seen in the store, and those being removed because another process removed them. */
  private readonly seen = new Set<string>();
  private readonly leaving = new Set<string>();
  private readonly syncTarget: SyncTarget;
  /** Persists disables and enables; the dispatcher hands it every `endpoint.disabled`. */
  readonly states: EndpointStates;

  constructor(private readonly host: EndpointAdminDeps) {
    this.records = new EndpointRecords(host.store);
    this.states = new EndpointStates(host, this.records);
    this.syncTarget = {
      ...{ router: host.router, scheduler: host.scheduler, store: host.store },
      ...{ records: this.records, seen: this.seen, leaving: this.leaving },
      given: (id) => this.given.get(id),
      adopt: (restored) => this.adopt(restored),
      apply: (endpoint, resolved, given, changed) => this.apply(endpoint, resolved, given, changed),
      drop: (id) => this.remove(id, { drain: true }, false),
      emit: (event) => host.emit(event),
      log: (level, message, fields) => host.log(level, message, fields),
      resolveFailed: (id, error) =>
        host.log("error", `options.secrets("${id}") threw; the endpoint stays disabled`, {
          endpointId: id,
          error,
        }),
    };
  }

  /** Remembers the constructor's configs, by resolved id. */
  remember(configs: readonly WebhookConfig[], resolved: readonly ResolvedConfig[]): void {
    resolved.forEach((config, index) => {
      this.given.set(config.id, { ...(configs[index] as object) });
    });
  }

  add(config: WebhookConfig): string {
    const resolved = resolveConfig(config, "addEndpoint(config)", mintId);
    if (this.host.router.endpoint(resolved.id) !== undefined) {
      throw new TypeError(
        `@attesta/webhooks: addEndpoint(config).id "${resolved.id}" is already the id of an endpoint. Fix: give every endpoint its own id, or call updateEndpoint("${resolved.id}", patch).`,
      );
    }
    const given = { ...(config as object) } as Record<string, unknown>;
    this.records.assertRestorable(resolved.id, given);
    // Stored first: when the store refuses, nothing was added.
    this.records.save(resolved.id, given);
    this.attach(resolved, given, false);
    return resolved.id;
  }

  /**
   * Stores the constructor's configs (they win over stored copies with the
   * same id), adds back the stored endpoints that are not among them, and
   * gives every endpoint its stored disabled state. One whose secret cannot
   * be found is added disabled (`secret_missing`), so it never sends
   * unsigned requests.
   */
  restore(resolveSecret: SecretResolver | undefined): void {
    for (const [id, given] of this.given) this.saveGiven(id, given);
    const stored = this.records.stored();
    const states: RestoredState[] = [];
    for (const { id, disabled } of stored) {
      if (this.given.has(id)) states.push({ id, disabled, secretMissing: false });
    }
    const skip = new Set(this.given.keys());
    const failed = this.syncTarget.resolveFailed;
    for (const restored of this.records.withSecrets(stored, skip, resolveSecret, failed)) {
      if (this.adopt(restored)) states.push(restored);
    }
    for (const { id } of stored) this.seen.add(id);
    this.states.restore(states);
  }

  /** Adds a stored endpoint (no store write); false when its config is not valid. */
  adopt(restored: RestoredConfig): boolean {
    const { id, config, secretMissing } = restored;
    let resolved: ResolvedConfig;
    try {
      resolved = resolveConfig(config, `stored endpoint "${id}"`, () => id);
    } catch (error) {
      // Left in the store: a later version or a fixed config may take it.
      this.host.log("error", `stored endpoint "${id}" is not a valid config; not restored`, {
        endpointId: id,
        error,
      });
      return false;
    }
    this.attach(resolved, config, secretMissing);
    if (secretMissing) this.secretLost.add(id);
    return true;
  }

  /**
   * Another process sharing the store changed its endpoints: applies here
   * what differs from `stored`, writing nothing back (see syncStored).
   */
  sync(stored: readonly StoredEndpoint[], resolveSecret: SecretResolver | undefined): void {
    syncStored(this.syncTarget, stored, resolveSecret);
  }

  private saveGiven(id: string, given: Record<string, unknown>): void {
    try {
      this.records.save(id, given);
    } catch (error) {
      this.host.log("error", `storing the config of endpoint "${id}" failed`, {
        endpointId: id,
        error,
      });
    }
  }

  /** `secretMissing`: it will be disabled for that, so it is not reported as unsigned. */
  private attach(
    resolved: ResolvedConfig,
    given: Record<string, unknown>,
    secretMissing: boolean,
  ): void {
    const endpoint = this.host.router.add(resolved);
    this.given.set(resolved.id, given);
    this.host.scheduler.add(endpoint);
    this.host.emit({ name: "endpoint.added", data: ref(endpoint) });
    if (!secretMissing && resolved.secret === undefined) this.host.warnUnsigned([resolved.id]);
    // A durable store may hold deliveries for this id from before a restart.
    if (this.host.store.pendingCount(resolved.id) > 0) this.host.scheduler.wake();
  }

  update(id: string, patch: Partial<WebhookConfig>): void {
    const endpoint = this.find(id, "updateEndpoint");
    const at = `updateEndpoint("${id}", patch)`;
    if (typeof patch !== "object" || patch === null || Array.isArray(patch)) {
      throw invalidOption(at, "an object", patch, "pass the options to change, e.g. { url }");
    }
    if (patch.id !== undefined && patch.id !== id) {
      throw invalidOption(
        `${at}.id`,
        `"${id}" or left out`,
        patch.id,
        "ids cannot change; remove and add the endpoint instead",
      );
    }
    const merged: Record<string, unknown> = { ...this.given.get(id), ...patch, id };
    // A key patched to undefined goes back to its default (e.g. { secret: undefined }).
    for (const [key, value] of Object.entries(patch)) if (value === undefined) delete merged[key];
    const resolved = resolveConfig(merged, at, () => id);
    this.records.save(id, merged);
    this.apply(endpoint, resolved, merged, Object.keys(patch));
  }

  /** Sends with the new config from now on (after the store took it, or from the store). */
  apply(
    endpoint: Endpoint,
    resolved: ResolvedConfig,
    given: Record<string, unknown>,
    changed: string[],
  ): void {
    const { id } = endpoint;
    this.host.router.update(endpoint, resolved);
    this.given.set(id, given);
    this.host.scheduler.reconfigure(endpoint);
    this.host.emit({ name: "endpoint.updated", data: { ...ref(endpoint), changed } });
    // The secret it was waiting for: it may send again, unless it is disabled for another reason.
    if (resolved.secret !== undefined && this.secretLost.delete(id)) {
      if (this.host.scheduler.loop(id)?.health.disabled === "secret_missing") this.enable(id);
    }
  }

  /** `write: false`: removed by another process, which already forgot the stored config. */
  async remove(
    id: string,
    options: RemoveEndpointOptions = {},
    write = true,
  ): Promise<{ abandoned: number }> {
    const endpoint = this.find(id, "removeEndpoint");
    const { router, scheduler } = this.host;
    const loop = scheduler.loop(id);
    let drain = (options.drain ?? true) && loop?.health.disabled === undefined;
    router.unroute(endpoint);
    // Removed here (`write`): on a shared store the other processes drain it too.
    if (drain) drain = await drainEndpoint(this.host, id, loop, write);
    const abandoned = scheduler.remove(id, drain ? undefined : "removed");
    router.forget(endpoint);
    this.given.delete(id);
    this.secretLost.delete(id);
    this.seen.delete(id);
    try {
      if (write) this.records.remove(id);
    } catch (error) {
      this.host.log("error", `forgetting the stored config of endpoint "${id}" failed`, {
        endpointId: id,
        error,
      });
    }
    this.host.emit({ name: "endpoint.removed", data: { ...ref(endpoint), abandoned } });
    return { abandoned };
  }

  enable(id: string): boolean {
    const loop = this.host.scheduler.loop(this.find(id, "enableEndpoint").id);
    if (this.secretLost.has(id) && loop?.endpoint.config.secret === undefined) {
      throw new TypeError(
        `@attesta/webhooks: enableEndpoint("${id}") refused: the endpoint was restored without its secret, so its requests would be unsigned. Fix: call updateEndpoint("${id}", { secret }), which enables it.`,
      );
    }
    if (loop === undefined || !loop.health.enable()) return false;
    this.states.enabled(id);
    const pending = this.host.store.pendingCount(id);
    this.host.emit({ name: "endpoint.enabled", data: { ...ref(loop.endpoint), pending } });
    loop.pump();
    return true;
  }

  disable(id: string): boolean {
    const loop = this.host.scheduler.loop(this.find(id, "disableEndpoint").id);
    if (loop === undefined || loop.health.disabled !== undefined) return false;
    loop.health.disable("manual");
    return true;
  }

  list(): EndpointInfo[] {
    return describeEndpoints(this.host);
  }

  private find(id: string, method: string): Endpoint {
    const endpoint = typeof id === "string" ? this.host.router.endpoint(id) : undefined;
    if (endpoint === undefined) {
      throw invalidOption(
        `${method}(id)`,
        "the id of an endpoint",
        id,
        "use an id from endpoints() or addEndpoint()",
      );
    }
    return endpoint;
  }
}

function ref(endpoint: Endpoint): { endpointId: string; url: string } {
  return { endpointId: endpoint.id, url: endpoint.config.label };
}
