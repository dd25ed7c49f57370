/**
 * `@attesta/webhooks/bullmq`: distributed delivery on Redis with BullMQ.
 * Producers enqueue from any process; workers in any number of processes
 * deliver, with the local dispatcher's signing, transport and retry policy.
 *
 * @module
 */

export { RedisConnectError, type RedisConnectErrorCode } from "../errors";
export type { RedisQueueOptions } from "./connection";
export type { DistributedEndpointConfig } from "./endpoints";
export type { StoredAttempt } from "./job-data";
export type { ProducerCloseReport, ProducerStats, WebhookProducerOptions } from "./producer";
export { WebhookProducer } from "./producer";
export type { DistributedEndpointStats, DistributedStats } from "./stats";
export type { DistributedDelivery } from "./webhook-queues";
export { WebhookQueues } from "./webhook-queues";
export type { WebhookWorkersOptions, WorkersCloseReport } from "./workers";
export { startWebhookWorkers, WebhookWorkers } from "./workers";
