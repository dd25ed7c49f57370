/**
 * Endpoint configs of the distributed mode: the local dispatcher's configs
 * plus a stable `id`, which names the endpoint's queue in Redis.
 *
 * @module
 */
import { invalidOption } from "../invalid-option";
import { type ResolvedConfig, resolveConfigs } from "../resolve-configs";
import type { WebhookConfig } from "../types";

/**
 * One endpoint of the distributed mode. `id` must be the same in every
 * producer and worker: it names the endpoint's queue. `maxQueueSize` and
 * `overflow` do not apply (Redis holds the queue; see the producer's
 * `maxBuffered` for the in-process bound).
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
export interface DistributedEndpointConfig
  extends Omit<WebhookConfig, "maxQueueSize" | "overflow"> {
  /** Letters, digits, `_` and `-`, at most 64. Renaming it starts a new, empty queue. */
  readonly id: string;
}

/** A validated endpoint with its queue name. */
export interface DistributedEndpoint extends ResolvedConfig {
  readonly id: string;
  readonly index: number;
  readonly queueName: string;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The BullMQ queue that holds an endpoint's deliveries. */
export function queueNameFor(id: string): string {
  return `webhook.${id}`;
}

/**
 * Validates endpoint configs (the local dispatcher's rules plus `id`) and
 * fills in the defaults. Throws a `TypeError` naming the field and the fix.
 */
export function resolveEndpoints(configs: unknown): DistributedEndpoint[] {
  if (!Array.isArray(configs) || configs.length === 0) {
    throw invalidOption(
      "configs",
      "a non-empty array of endpoint configs",
      configs,
      'pass [{ id: "billing", url: "https://…" }]',
    );
  }
  const seen = new Set<string>();
  const ids: string[] = [];
  const rest: unknown[] = [];
  for (const [index, config] of configs.entries()) {
    const at = `config[${index}]`;
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
      throw invalidOption(at, "an object with an id and a url", config, "pass { id, url }");
    }
    const { id, ...others } = config as Record<string, unknown>;
    if (typeof id !== "string" || !ID_PATTERN.test(id)) {
      throw invalidOption(
        `${at}.id`,
        "1 to 64 letters, digits, _ or -",
        id,
        'give every endpoint a stable name, e.g. "billing"',
      );
    }
    if (seen.has(id)) {
      throw invalidOption(`${at}.id`, "unique", id, "give each endpoint its own id");
    }
    for (const key of ["maxQueueSize", "overflow"]) {
      if (key in others) {
        throw invalidOption(
          `${at}.${key}`,
          "left out in the distributed mode",
          others[key],
          "Redis holds the queue; bound the producer's buffer with maxBuffered instead",
        );
      }
    }
    seen.add(id);
    ids.push(id);
    rest.push(others);
  }
  return resolveConfigs(rest).map((config, index) => {
    const id = ids[index] as string;
    return { ...config, id, index, queueName: queueNameFor(id) };
  });
}
