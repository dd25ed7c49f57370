/**
 * The `DeliveryAdmin` of a BullMQ cluster: deliveries are jobs in one queue
 * per endpoint, disabling an endpoint pauses its queue, and redelivery puts a
 * dead letter back with a fresh retry budget.
 *
 * @module
 */
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { checkFilter, MAX_PAGE, pageLimit } from "../admin/admin-query";
import type { AdminCapabilities, AdminEndpoint, DeliveryAdmin } from "../admin/delivery-admin";
import { checkRange } from "../admin/record-health";
import type { DeliveryRecord } from "../store/delivery-store";
import { clearGoneState, type GoneState, readGoneState } from "./gone-state";
import { type PagedQueues, PENDING_STATES, pageJobs, settledSets } from "./job-pages";
import { settledMinutes } from "./settled-walk";

/** An endpoint queue as the admin shows it: `url` already safe to print, "" when unknown. */
export interface QueueEndpoint {
  readonly id: string;
  readonly url: string;
  readonly events: readonly string[] | "all" | "unknown";
}

/** What `WebhookQueues` lends its admin. */
export interface QueuesAdminDeps {
  readonly endpoints: readonly QueueEndpoint[];
  readonly redis: Redis;
  queue(id: string): Queue;
  get(id: string): Promise<DeliveryRecord | undefined>;
  redeliver(id: string): Promise<boolean>;
  close(): Promise<void>;
}

const CAPABILITIES: AdminCapabilities = {
  live: false,
  redeliver: true,
  bulkRetry: true,
  toggleEndpoints: true,
  rotateSecret: false,
  deferred: false,
  notes: [
    "BullMQ: disabling an endpoint pauses its queue on every worker; secrets live in the workers' configs, so rotate them there.",
    "Lists show pending jobs first, then settled ones newest first by the time they finished; every job Redis holds can be reached, and the producer's keepDelivered and keepDead bound what it holds.",
  ],
};

export function createQueuesAdmin(host: QueuesAdminDeps): DeliveryAdmin {
  const endpointsOf = (ids?: readonly string[]) =>
    host.endpoints.filter((e) => ids === undefined || ids.includes(e.id));
  const paged = (ids?: readonly string[]): PagedQueues => ({
    redis: host.redis,
    endpoints: endpointsOf(ids).map((e) => ({ id: e.id, queue: host.queue(e.id) })),
  });
  const deadIds = async (filter: Parameters<DeliveryAdmin["retry"]>[0]) => {
    checkFilter(filter);
    if ((filter.status ?? "dead") !== "dead") return [];
    const ids: string[] = [];
    let cursor: string | undefined;
    // Every matching dead letter, a bounded scan at a time.
    do {
      const page = await pageJobs(
        paged(filter.endpoints),
        { ...filter, status: "dead", ...(cursor === undefined ? {} : { cursor }) },
        MAX_PAGE,
      );
      ids.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return ids;
  };
  const redeliverAll = async (ids: string[]) => {
    let count = 0;
    for (const id of ids) if (await host.redeliver(id)) count++;
    return count;
  };
  const setPaused = async (id: string, paused: boolean) => {
    const queue = host.queue(endpointsOf([id])[0]?.id ?? "");
    if (queue === undefined) return false;
    if ((await queue.isPaused()) === paused) return false;
    // Paused or resumed by hand: a reason a worker recorded no longer applies.
    await clearGoneState(host.redis, queue);
    await (paused ? queue.pause() : queue.resume());
    return true;
  };
  return {
    kind: "bullmq",
    capabilities: CAPABILITIES,
    endpoints: () =>
      Promise.all(
        host.endpoints.map((endpoint) =>
          endpointHealth(host.redis, host.queue(endpoint.id), endpoint),
        ),
      ),
    deliveries: async (query = {}) => {
      const page = await pageJobs(paged(query.endpoints), query, pageLimit(query));
      const items = await Promise.all(
        page.items.map(async (item) => (await host.get(item.id)) ?? item),
      );
      return { ...page, items };
    },
    delivery: (id) => host.get(id),
    redeliver: (id) => host.redeliver(id),
    retry: async (filter) => redeliverAll(await deadIds(filter)),
    recover: async ({ since, endpoints }) =>
      redeliverAll(await deadIds({ since, ...(endpoints === undefined ? {} : { endpoints }) })),
    enableEndpoint: (id) => setPaused(id, false),
    disableEndpoint: (id) => setPaused(id, true),
    rotateSecret: async () => {
      throw new TypeError(
        "@attesta/webhooks/bullmq: rotateSecret is not possible through the queues. Fix: change the secret in the workers' endpoint configs and restart them.",
      );
    },
    stats: async (range) => {
      checkRange(range);
      return settledMinutes(host.redis, settledSets(paged()), range);
    },
    close: () => host.close(),
  };
}

async function endpointHealth(
  redis: Redis,
  queue: Queue,
  endpoint: QueueEndpoint,
): Promise<AdminEndpoint> {
  const [counts, paused, gone, completed, failed] = await Promise.all([
    queue.getJobCounts(...PENDING_STATES),
    queue.isPaused(),
    readGoneState(redis, queue),
    queue.getJobs(["completed"], 0, 49, false),
    queue.getJobs(["failed"], 0, 49, false),
  ]);
  const settled = completed.length + failed.length;
  const lastSuccessAt = completed.reduce<number | undefined>(
    (at, job) => Math.max(at ?? 0, job?.finishedOn ?? 0) || at,
    undefined,
  );
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    state: paused ? "disabled" : "enabled",
    ...(paused ? disabledFields(gone) : {}),
    circuit: "unknown",
    pending: Object.values(counts).reduce((sum, n) => sum + n, 0),
    ...(settled === 0 ? {} : { failureRate: failed.length / settled }),
    ...(lastSuccessAt === undefined ? {} : { lastSuccessAt }),
  };
}

/** `"gone"` with the service's code when a worker paused the queue, else `"paused"` (by hand). */
function disabledFields(gone: GoneState | undefined) {
  if (gone === undefined) return { disabledReason: "paused" };
  return {
    disabledReason: "gone",
    ...(gone.receiverCode === undefined ? {} : { disabledReceiverCode: gone.receiverCode }),
  };
}
