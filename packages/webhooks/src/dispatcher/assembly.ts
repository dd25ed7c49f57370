/**
 * How a dispatcher is put together: options and configs validated, the
 * router, reporter, connections, scheduler, endpoint admin and store created
 * and wired, the store opened and endpoints from before a restart restored.
 * Internal to the dispatcher, whose constructor calls it once.
 *
 * @module
 */
import type { EventBus } from "@attesta/events";
import type { DispatchableEvent, EventSource } from "../dispatchable-event";
import { EndpointAdmin } from "../endpoints/endpoint-admin";
import { type ResolvedOptions, resolveOptions } from "../options/resolve-options";
import type { DeadLetter, DispatcherStats } from "../reporting/hook-payloads";
import type { DispatcherEvents, FailureSummary, OperatorEvent } from "../reporting/operator-events";
import { Reporter } from "../reporting/reporter";
import type { Endpoint } from "../router/endpoint";
import { PayloadBytes } from "../router/payload-bytes";
import { resolveConfigs } from "../router/resolve-configs";
import { Router } from "../router/router";
import { SchedulerRegistry } from "../scheduler/scheduler-registry";
import { TracedTransport } from "../telemetry/traced-transport";
import { WebhookTelemetry } from "../telemetry/webhook-telemetry";
import { SharedAgent } from "../transport/shared-agent";
import type { WebhookConfig, WebhookDispatcherOptions } from "../types";
import { assertUnsubscribe } from "./argument-checks";
import { Shutdown, type ShutdownDeps } from "./shutdown";
import type { Waiters } from "./waiters";
import { createSchedulerWiring, createStoreContext, type WiringDeps } from "./wiring";

/** What the dispatcher itself brings: its bus handler, its events, its waiters. */
export interface FacadeHandles {
  readonly onEvent: (event: DispatchableEvent) => void;
  readonly events: EventBus<DispatcherEvents>;
  readonly waiters: Waiters;
  /** Whether close() was called: dead letters then also go to its report. */
  closing(): boolean;
  stats(): DispatcherStats;
}

/** Every part of a running dispatcher. */
export interface AssembledDispatcher extends ShutdownDeps {
  readonly options: ResolvedOptions;
  readonly agent: SharedAgent;
  readonly admin: EndpointAdmin;
  readonly shutdown: Shutdown;
}

/**
 * Builds and starts every part. Subscribes to `bus` before the store is
 * opened: a bus that gives back no unsubscribe function is refused before
 * anything needs closing.
 */
export function assembleDispatcher(
  bus: EventSource,
  configs: readonly WebhookConfig[],
  given: WebhookDispatcherOptions | undefined,
  link: FacadeHandles,
): AssembledDispatcher {
  const resolved = resolveConfigs(configs);
  const options = resolveOptions(given);
  const { store } = options;
  const router: Router = new Router(resolved, store, (endpoint, event, reason) =>
    reporter.dropped(endpoint, event, reason),
  );
  // Set below; operator events only start once the parts exist.
  let parts: AssembledDispatcher | undefined;
  const emit = (event: OperatorEvent): void => {
    // Kept across restarts, and no longer owed now: flush() and close() must not wait for it.
    if (event.name === "endpoint.disabled") parts?.admin.states.disabled(event.data);
    // A throwing listener is the bus's business (its onError).
    link.events.emit({ type: event.name, data: event.data } as never);
  };
  const reporter = new Reporter(options, () => router.endpoints, emit);
  const agent = subscribe(
    bus,
    link.onEvent,
    new SharedAgent(
      { ...options.connections, warn: (message) => options.logger?.warn(message) },
      "options",
    ),
  );
  const telemetry = WebhookTelemetry.create({
    endpoints: () => router.endpoints,
    store,
    // Read only when a metric reader collects, after the scheduler exists.
    breakerState: (id) => scheduler.loop(id)?.health.state,
  });
  const side: WiringDeps = {
    ...{ store, router, reporter, emit },
    deadLettered: (letter, endpoint, last) => {
      if (link.closing()) parts?.shutdown.record(letter);
      telemetry?.deadLettered(letter);
      reportDeadLetter(reporter, emit, letter, endpoint, last);
    },
    settled: () => link.waiters.check(),
    wake: () => scheduler.wake(),
    endpointsChanged: (endpoints) => {
      if (!link.closing()) parts?.admin.sync(endpoints, options.secrets);
    },
    // Without its secret here this process cannot sign: another one must deliver it.
    delivers: (endpointId) => {
      const state = scheduler.loop(endpointId)?.health;
      return state !== undefined && state.disabled !== "secret_missing";
    },
  };
  const host = createSchedulerWiring(side);
  const scheduler = new SchedulerRegistry(
    router,
    telemetry ? telemetry.observe(host) : host,
    options.maxResponseBytes,
    agent,
    telemetry && ((config, max, shared) => new TracedTransport(config, max, shared, telemetry)),
  );
  const warnUnsigned = (ids: readonly string[]) => warnUnsignedEndpoints(reporter, ids);
  const admin = new EndpointAdmin({
    ...{ router, scheduler, store, emit, warnUnsigned },
    waitFor: (done) => link.waiters.waitFor(done),
    settled: () => link.waiters.check(),
    log: (level, message, fields) => reporter.log(level, message, fields),
  });
  const { waiters, stats } = link;
  const core: ShutdownDeps = { router, store, scheduler, waiters, reporter, telemetry, stats };
  parts = { ...core, options, agent, admin, shutdown: new Shutdown(core) };
  admin.remember(configs, resolved);
  // Endpoints come and go at run time, so bodies are always shared between them.
  store.open(createStoreContext(side, new PayloadBytes(true)));
  warnUnsigned(resolved.filter((config) => config.secret === undefined).map((c) => c.id));
  resume(parts);
  return parts;
}

/** Subscribes the bus handler; a bus that gives back no unsubscribe function is refused. */
function subscribe(
  bus: EventSource,
  onEvent: (event: DispatchableEvent) => void,
  agent: SharedAgent,
) {
  try {
    // The dispatcher stays subscribed after close(), so that later events are counted as refused.
    assertUnsubscribe(bus.onAny(onEvent));
  } catch (error) {
    void agent.destroy();
    throw error;
  }
  return agent;
}

/** Takes up what a durable store holds from before a restart: endpoints, their states, deliveries. */
function resume({ admin, options, router, store, scheduler }: AssembledDispatcher): void {
  admin.restore(options.secrets);
  if (router.endpoints.some((endpoint) => store.pendingCount(endpoint.id) > 0)) scheduler.wake();
}

/** Hands a dead letter to the hook and the log, and reports `delivery.dead`. */
function reportDeadLetter(
  reporter: Reporter,
  emit: (event: OperatorEvent) => void,
  letter: DeadLetter,
  endpoint: Endpoint,
  last: FailureSummary | undefined,
): void {
  reporter.deadLettered(letter, endpoint.config.label);
  emit({
    name: "delivery.dead",
    data: {
      endpointId: endpoint.id,
      url: endpoint.config.label,
      deliveryId: letter.deliveryId,
      event: letter.payload.event,
      reason: letter.reason,
      attempts: letter.attempts,
      ...(last === undefined ? {} : { lastFailure: last }),
    },
  });
}

/** One warning per batch of endpoints without a secret: their requests cannot be verified. */
function warnUnsignedEndpoints(reporter: Reporter, ids: readonly string[]): void {
  if (ids.length === 0) return;
  reporter.log(
    "warn",
    `${ids.length} endpoint(s) have no secret, so their requests are unsigned and receivers cannot verify them. Fix: set secret on each endpoint (the receiver checks X-Attesta-Signature).`,
    { endpoints: ids },
  );
}
