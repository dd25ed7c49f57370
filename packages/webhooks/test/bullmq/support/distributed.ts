/**
 * The distributed parts for one test, each closed after it: a producer on its
 * own bus, a worker set, and the queues' read side.
 *
 * @module
 */
import { EventBus } from "@attesta/events";
import { defer } from "@attesta/test-support";
import {
  type DistributedEndpointConfig,
  startWebhookWorkers,
  WebhookProducer,
  type WebhookProducerOptions,
  WebhookQueues,
  type WebhookWorkers,
  type WebhookWorkersOptions,
} from "../../../src/bullmq/index";

export interface RedisPlace {
  readonly connection: string;
  readonly prefix: string;
}

/** A silent producer for `endpoints` on a fresh bus (with `hooks`); closed (1 s deadline) after the test. */
export function openProducer(
  endpoints: readonly DistributedEndpointConfig[],
  redis: RedisPlace,
  hooks: Pick<WebhookProducerOptions, "onDeadLetter"> = {},
): { bus: EventBus; producer: WebhookProducer } {
  const bus = new EventBus();
  const producer = new WebhookProducer(bus, endpoints, { ...redis, ...hooks, logger: null });
  defer(() => producer.close({ deadlineMs: 1000 }));
  return { bus, producer };
}

/** A silent worker set (with `hooks`); closed after the test within `deadlineMs`. */
export async function startWorkers(
  endpoints: readonly DistributedEndpointConfig[],
  redis: RedisPlace,
  deadlineMs = 1000,
  hooks: Pick<WebhookWorkersOptions, "onAttempt" | "onDeadLetter"> = {},
): Promise<WebhookWorkers> {
  const workers = await startWebhookWorkers(endpoints, { ...redis, ...hooks, logger: null });
  defer(() => workers.close({ deadlineMs }));
  return workers;
}

/** The queues of `endpoints`, to read and act on; closed after the test. */
export function openQueues(
  endpoints: readonly DistributedEndpointConfig[],
  redis: RedisPlace,
): WebhookQueues {
  const queues = new WebhookQueues(endpoints, redis);
  defer(() => queues.close());
  return queues;
}
