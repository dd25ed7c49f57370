/**
 * Endpoints at run time: `addEndpoint`, `updateEndpoint`, `removeEndpoint`,
 * `enableEndpoint`, `disableEndpoint` and `endpoints()` of the dispatcher.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { EndpointRecords, type SecretResolver } from "./endpoint-records";
import { invalidOption } from "./invalid-option";
import type { DisableReason } from "./operator-events";
import type { Endpoint } from "./router/endpoint";
import { type ResolvedConfig, resolveConfig } from "./router/resolve-configs";
import type { EventSelection } from "./router/route-table";
import type { Router } from "./router/router";
import type { BreakerState } from "./scheduler/circuit-breaker";
import type { OperatorEvent } from "./scheduler/endpoint-scheduler";
import type { Scheduler } from "./scheduler/scheduler";
import type { DeliveryStore } from "./store/delivery-store";
import type { WebhookConfig } from "./types";

/** One endpoint as `endpoints()` describes it. Never contains the secret. */
export interface EndpointInfo {
  readonly id: string;
  /** The URL as configured. */
  readonly url: string;
  /** Event names it receives, or `"all"`. */
  readonly events: EventSelection;
  /** Whether requests carry a signature (a secret is set). */
  readonly signed: boolean;
  readonly state: "enabled" | "disabled";
  readonly disabledReason?: DisableReason;
  /** The circuit breaker: `closed` is healthy. */
  readonly circuit: BreakerState;
  /** Deliveries owed to it (waiting, sending or waiting to retry). */
  readonly pending: number;
}

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
export interface AdminHost {
  readonly router: Router;
  readonly scheduler: Scheduler;
  readonly store: DeliveryStore;
  emit(event: OperatorEvent): void;
  /** Resolves once `done()` holds, checked whenever a delivery settles. */
  waitFor(done: () => boolean): Promise<void>;
  warnUnsigned(ids: readonly string[]): void;
  log(level: "warn" | "error", message: string, fields: Record<string, unknown>): void;
}

const mintId = (): string => `ep_${randomBytes(8).toString("hex")}`;

/** Keeps the configs as given (secrets included, in memory only) so that patches can be merged. */
export class EndpointAdmin {
  private readonly given = new Map<string, Record<string, unknown>>();
  private readonly records: EndpointRecords;

  constructor(private readonly host: AdminHost) {
    this.records = new EndpointRecords(host.store);
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
    // Stored first: when the store refuses, nothing was added.
    this.records.save(resolved.id, given);
    this.attach(resolved, given, false);
    return resolved.id;
  }

  /**
   * Stores the constructor's configs (they win over stored copies with the
   * same id) and adds back the stored endpoints that are not among them. One
   * whose secret cannot be found is added disabled (`secret_missing`), so it
   * never sends unsigned requests.
   */
  restore(resolveSecret: SecretResolver | undefined): void {
    for (const [id, given] of this.given) {
      try {
        this.records.save(id, given);
      } catch (error) {
        this.host.log("error", `storing the config of endpoint "${id}" failed`, {
          endpointId: id,
          error,
        });
      }
    }
    const restored = this.records.load(new Set(this.given.keys()), resolveSecret, (id, error) =>
      this.host.log("error", `options.secrets("${id}") threw; the endpoint stays disabled`, {
        endpointId: id,
        error,
      }),
    );
    const missing: string[] = [];
    for (const { id, config, secretMissing } of restored) {
      let resolved: ResolvedConfig;
      try {
        resolved = resolveConfig(config, `stored endpoint "${id}"`, () => id);
      } catch (error) {
        // Left in the store: a later version or a fixed config may take it.
        this.host.log("error", `stored endpoint "${id}" is not a valid config; not restored`, {
          endpointId: id,
          error,
        });
        continue;
      }
      this.attach(resolved, config, secretMissing);
      if (secretMissing) missing.push(id);
    }
    if (missing.length > 0) {
      this.host.log(
        "warn",
        `${missing.length} restored endpoint(s) had a secret that was not stored and options.secrets did not give it back, so they stay disabled (reason "secret_missing") and keep their deliveries. Fix: pass options.secrets, or call updateEndpoint(id, { secret }).`,
        { endpoints: missing },
      );
    }
  }

  private attach(resolved: ResolvedConfig, given: Record<string, unknown>, hold: boolean): void {
    const endpoint = this.host.router.add(resolved);
    this.given.set(resolved.id, given);
    this.host.scheduler.add(endpoint);
    this.host.emit({ name: "endpoint.added", data: ref(endpoint) });
    // Disabled before anything is leased: the store resumes its deliveries, but they wait.
    if (hold) this.hold(resolved.id);
    else if (resolved.secret === undefined) this.host.warnUnsigned([resolved.id]);
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
    this.host.router.update(endpoint, resolved);
    this.given.set(id, merged);
    this.host.scheduler.reconfigure(endpoint);
    this.host.emit({
      name: "endpoint.updated",
      data: { ...ref(endpoint), changed: Object.keys(patch) },
    });
    // The secret it was waiting for: it may send again.
    const loop = this.host.scheduler.loop(id);
    if (loop?.health.disabled === "secret_missing" && resolved.secret !== undefined) {
      this.enable(id);
    }
  }

  async remove(id: string, options: RemoveEndpointOptions = {}): Promise<{ abandoned: number }> {
    const endpoint = this.find(id, "removeEndpoint");
    const { router, scheduler, store } = this.host;
    const loop = scheduler.loop(id);
    const drain = (options.drain ?? true) && loop?.health.disabled === undefined;
    router.unroute(endpoint);
    if (drain) {
      await this.host.waitFor(() => store.pendingCount(id) === 0 && (loop?.idle ?? true));
    }
    const abandoned = scheduler.remove(id, drain ? undefined : "removed");
    router.forget(endpoint);
    this.given.delete(id);
    try {
      this.records.remove(id);
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
    if (loop?.health.disabled === "secret_missing" && loop.endpoint.config.secret === undefined) {
      throw new TypeError(
        `@attesta/webhooks: enableEndpoint("${id}") refused: the endpoint was restored without its secret, so its requests would be unsigned. Fix: call updateEndpoint("${id}", { secret }), which enables it.`,
      );
    }
    if (loop === undefined || !loop.health.enable()) return false;
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
    return this.host.router.endpoints.map((endpoint) => {
      const health = this.host.scheduler.loop(endpoint.id)?.health;
      const disabled = health?.disabled;
      return {
        id: endpoint.id,
        url: endpoint.config.url,
        events: endpoint.config.events,
        signed: endpoint.config.secret !== undefined,
        state: disabled === undefined ? "enabled" : "disabled",
        ...(disabled === undefined ? {} : { disabledReason: disabled }),
        circuit: health?.state ?? "closed",
        pending: this.host.store.pendingCount(endpoint.id),
      };
    });
  }

  /**
   * Disabled at once; reported again on the next microtask, because during the
   * constructor nobody can listen on `events` yet.
   */
  private hold(id: string): void {
    const loop = this.host.scheduler.loop(id);
    loop?.health.disable("secret_missing");
    queueMicrotask(() => {
      if (loop === undefined || loop.health.disabled !== "secret_missing") return;
      this.host.emit({
        name: "endpoint.disabled",
        data: { ...ref(loop.endpoint), reason: "secret_missing" },
      });
    });
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
