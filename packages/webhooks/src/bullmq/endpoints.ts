/**
 * Endpoint configs of the distributed mode: the local dispatcher's configs
 * with a required `id`, which names the endpoint's queue in Redis.
 *
 * @module
 */
import { invalidOption } from "../options/invalid-option";
import { Endpoint } from "../router/endpoint";
import { resolveConfigs } from "../router/resolve-configs";
import type { WebhookConfig } from "../types";
import { refuseUnsupportedEndpointOptions } from "./unsupported-options";

/**
 * One endpoint of the distributed mode. `id` is required and must be the
 * same in every producer and worker: it names the endpoint's queue, so a
 * reordered configs array cannot strand deliveries in an old queue.
 * `maxQueueSize` and `overflow` bound what a producer holds in memory while
 * Redis is slow or away.
 *
 * @example
 * ```ts
 * import type { DistributedEndpointConfig } from "@attesta/webhooks/bullmq";
 *
 * const endpoint: DistributedEndpointConfig = {
 *   id: "billing",
 *   url: "https://billing.example.com/hooks/attesta",
 *   secret: process.env.BILLING_WEBHOOK_SECRET,
 * };
 * ```
 */
export interface DistributedEndpointConfig extends WebhookConfig {
  readonly id: string;
}

/** The BullMQ queue that holds an endpoint's deliveries (BullMQ reserves `:` in queue names). */
export function queueNameFor(id: string): string {
  return `webhook.${id.replaceAll(":", "~")}`;
}

/**
 * Validates endpoint configs with the local dispatcher's rules, plus a
 * required `id` and without the options only the local dispatcher
 * implements, and returns the router's endpoint registry entries.
 */
export function resolveEndpoints(configs: unknown): Endpoint[] {
  if (Array.isArray(configs) && configs.length === 0) {
    throw invalidOption("configs", "a non-empty array", configs, 'pass [{ id: "billing", url }]');
  }
  const resolved = resolveConfigs(configs);
  for (const [index, config] of (configs as { id?: unknown }[]).entries()) {
    if (config.id === undefined) {
      throw invalidOption(
        `config[${index}].id`,
        "set in the distributed mode",
        undefined,
        'give every endpoint a stable name, e.g. "billing", the same in producers and workers',
      );
    }
  }
  refuseUnsupportedEndpointOptions(configs as readonly unknown[]);
  return resolved.map((config, index) => new Endpoint(index, config));
}
