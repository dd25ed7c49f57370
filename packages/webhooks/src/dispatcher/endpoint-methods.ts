/**
 * The dispatcher's run-time endpoint methods: add, update, remove, list,
 * enable and disable. `WebhookDispatcher` extends this class; the methods
 * only check that the dispatcher is open and hand over to its EndpointAdmin.
 *
 * @module
 */

import type { PipelineEvents } from "@attesta/events";
import type {
  EndpointAdmin,
  EndpointInfo,
  RemoveEndpointOptions,
} from "../endpoints/endpoint-admin";
import type { WebhookConfig } from "../types";

/** The endpoint half of `WebhookDispatcher`'s public surface. */
export abstract class EndpointMethods<Events extends object = PipelineEvents> {
  /** The dispatcher's endpoint registry, set by its constructor. */
  protected abstract readonly admin: EndpointAdmin;
  /** Throws DispatcherClosedError naming `call` once `close()` was called. */
  protected abstract assertOpen(call: string): void;

  /**
   * Adds an endpoint while events flow and returns its id (`config.id`, or a
   * new random `ep_…`). Validated like the constructor's configs.
   *
   * @throws TypeError naming the field and the fix; DispatcherClosedError after `close()`.
   * @example
   * ```ts
   * const id = dispatcher.addEndpoint({ url: "https://tenant-7.example.com/hooks", secret, events: ["denied"] });
   * ```
   */
  addEndpoint(config: WebhookConfig<Events>): string {
    this.assertOpen("addEndpoint()");
    return this.admin.add(config as unknown as WebhookConfig);
  }

  /**
   * Changes an endpoint's options; what is not in `patch` stays, and a key
   * set to `undefined` goes back to its default. Deliveries already owed are
   * sent with the new config. Circuit-breaker and auto-disable settings
   * apply to an endpoint added after the change.
   *
   * @example
   * ```ts
   * dispatcher.updateEndpoint(id, { url: "https://tenant-7.example.com/v2/hooks", rateLimit: 20 });
   * ```
   */
  updateEndpoint(id: string, patch: Partial<WebhookConfig<Events>>): void {
    this.assertOpen(`updateEndpoint("${id}")`);
    this.admin.update(id, patch as unknown as Partial<WebhookConfig>);
  }

  /**
   * Removes an endpoint. With `drain` (the default) it stops receiving
   * events and the promise resolves once what it was owed is delivered or
   * dead; with `drain: false` that is dead-lettered at once (`removed`).
   *
   * @example
   * ```ts
   * const { abandoned } = await dispatcher.removeEndpoint(id, { drain: false });
   * ```
   */
  removeEndpoint(id: string, options?: RemoveEndpointOptions): Promise<{ abandoned: number }> {
    this.assertOpen(`removeEndpoint("${id}")`);
    return this.admin.remove(id, options);
  }

  /**
   * Every endpoint, with its health and what it is owed; never its secret.
   *
   * @example
   * ```ts
   * for (const e of dispatcher.endpoints()) if (e.state === "disabled") console.warn(e.id, e.disabledReason);
   * ```
   */
  endpoints(): EndpointInfo[] {
    return this.admin.list();
  }

  /**
   * Enables a disabled endpoint: the deliveries it kept are sent. A durable
   * store records it, as it records every disable. Returns false when it was
   * not disabled.
   *
   * @example
   * ```ts
   * dispatcher.events.on("endpoint.disabled", ({ data }) => scheduleCheck(data.endpointId));
   * dispatcher.enableEndpoint(id);
   * ```
   */
  enableEndpoint(id: string): boolean {
    return this.admin.enable(id);
  }

  /**
   * Stops attempts to an endpoint; its events are still queued (up to
   * `maxQueueSize`) for when it is enabled, also after a restart with a
   * durable store. Returns false when already disabled.
   *
   * @example
   * ```ts
   * dispatcher.disableEndpoint(id);
   * ```
   */
  disableEndpoint(id: string): boolean {
    return this.admin.disable(id);
  }
}
