/**
 * The `DeliveryAdmin` of a BullMQ cluster: deliveries are jobs in one queue
 * per endpoint, disabling an endpoint pauses its queue, and redelivery puts a
 * dead letter back with a fresh retry budget.
 *
 * @module
 */
import type { Job, JobType, Queue } from "bullmq";
import { checkFilter, matches, pageLimit, pageOf } from "../admin/admin-query";
import type { AdminCapabilities, AdminEndpoint, DeliveryAdmin } from "../admin/delivery-admin";
import { checkRange, minutesOf } from "../admin/record-health";
import type { DeliveryRecord, DeliveryStatus } from "../store/delivery-store";
import type { DeliveryJobData } from "./job-data";

/** An endpoint queue as the admin shows it: `url` already safe to print, "" when unknown. */
export interface QueueEndpoint {
  readonly id: string;
  readonly url: string;
  readonly events: readonly string[] | "all" | "unknown";
}

/** What `WebhookQueues` lends its admin. */
export interface QueuesAdminDeps {
  readonly endpoints: readonly QueueEndpoint[];
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
    "Lists and per-minute figures cover the newest 1,000 jobs of each queue and state.",
  ],
};
/** Jobs read per queue and state for a list or the per-minute figures. */
const WINDOW = 1000;
const STATES: Record<DeliveryStatus, JobType[]> = {
  pending: ["waiting", "delayed", "active", "prioritized", "waiting-children"],
  delivered: ["completed"],
  dead: ["failed"],
};

export function createQueuesAdmin(host: QueuesAdminDeps): DeliveryAdmin {
  const endpointsOf = (ids?: readonly string[]) =>
    host.endpoints.filter((e) => ids === undefined || ids.includes(e.id));
  const jobsOf = async (endpoint: QueueEndpoint, status: DeliveryStatus, count = WINDOW) =>
    (await host
      .queue(endpoint.id)
      .getJobs(STATES[status], 0, count - 1, false)) as Job<DeliveryJobData>[];
  const light = async (ids: readonly string[] | undefined, statuses: readonly DeliveryStatus[]) => {
    const records: DeliveryRecord[] = [];
    for (const endpoint of endpointsOf(ids))
      for (const status of statuses)
        for (const job of await jobsOf(endpoint, status))
          if (job) records.push(lightRecord(endpoint, job, status));
    return records;
  };
  const deadIds = async (filter: Parameters<DeliveryAdmin["retry"]>[0]) => {
    checkFilter(filter);
    if ((filter.status ?? "dead") !== "dead") return [];
    return (await light(filter.endpoints, ["dead"]))
      .filter((r) => matches(r, { ...filter, status: "dead" }))
      .map((r) => r.id);
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
    await (paused ? queue.pause() : queue.resume());
    return true;
  };
  return {
    kind: "bullmq",
    capabilities: CAPABILITIES,
    endpoints: () =>
      Promise.all(
        host.endpoints.map((endpoint) => endpointHealth(host.queue(endpoint.id), endpoint)),
      ),
    deliveries: async (query = {}) => {
      pageLimit(query);
      const statuses =
        query.status === undefined ? (["pending", "delivered", "dead"] as const) : [query.status];
      const page = pageOf(await light(query.endpoints, statuses), query);
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
      return minutesOf(await light(undefined, ["delivered", "dead"]), range);
    },
    close: () => host.close(),
  };
}

function lightRecord(
  endpoint: QueueEndpoint,
  job: Job<DeliveryJobData>,
  status: DeliveryStatus,
): DeliveryRecord {
  return {
    id: job.id as string,
    endpointId: endpoint.id,
    event: job.name,
    body: new Uint8Array(0),
    status,
    attempts: job.attemptsStarted,
    createdAt: job.data.createdAt,
    ...(status !== "pending" && job.finishedOn !== undefined ? { settledAt: job.finishedOn } : {}),
    attemptLog: [],
  };
}

async function endpointHealth(queue: Queue, endpoint: QueueEndpoint): Promise<AdminEndpoint> {
  const [counts, paused, completed, failed] = await Promise.all([
    queue.getJobCounts(...STATES.pending),
    queue.isPaused(),
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
    ...(paused ? { disabledReason: "paused" } : {}),
    circuit: "unknown",
    pending: Object.values(counts).reduce((sum, n) => sum + n, 0),
    ...(settled === 0 ? {} : { failureRate: failed.length / settled }),
    ...(lastSuccessAt === undefined ? {} : { lastSuccessAt }),
  };
}
