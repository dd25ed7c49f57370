/**
 * A producer on its own bus, closed after the test.
 *
 * @module
 */
import { EventBus } from "@attesta/events";
import { type DistributedEndpointConfig, WebhookProducer } from "../../../src/bullmq/index";
import { defer } from "../../support/cleanup";

/** A silent producer for `endpoints` on a fresh bus; closed (1 s deadline) after the test. */
export function openProducer(
  endpoints: readonly DistributedEndpointConfig[],
  redis: { connection: string; prefix: string },
): { bus: EventBus; producer: WebhookProducer } {
  const bus = new EventBus();
  const producer = new WebhookProducer(bus, endpoints, { ...redis, logger: null });
  defer(() => producer.close({ deadlineMs: 1000 }));
  return { bus, producer };
}
