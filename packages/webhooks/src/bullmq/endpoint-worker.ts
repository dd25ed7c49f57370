/**
 * One endpoint's BullMQ worker in a worker process: its queue, its transport
 * on the process's shared agent, its breaker, and the processor that runs
 * one attempt per job.
 *
 * @module
 */
import { type Job, MetricsTime, type Processor, Queue, Worker, type WorkerOptions } from "bullmq";
import type { Redis } from "ioredis";
import type { DispatcherEvents, OperatorEvent } from "../reporting/operator-events";
import type { Reporter } from "../reporting/reporter";
import type { Endpoint } from "../router/endpoint";
import { EndpointHealth } from "../scheduler/endpoint-health";
import { EndpointTransport } from "../transport/endpoint-transport";
import type { SharedAgent } from "../transport/shared-agent";
import { queueNameFor } from "./endpoints";
import { pauseAsGone } from "./gone-state";
import type { DeliveryJobData, StoredAttempt } from "./job-data";
import { AttemptFailedError, createProcessor } from "./process-delivery";
import { statsKeyFor } from "./stats";

/** What every endpoint worker of a process shares. */
export interface WorkerProcess {
  readonly redis: Redis;
  readonly prefix: string;
  readonly locks: Pick<WorkerOptions, "lockDuration" | "stalledInterval" | "maxStalledCount">;
  readonly agent: SharedAgent;
  readonly maxResponseBytes: number;
  readonly reporter: Reporter;
  emit(event: OperatorEvent): void;
  /** True once shutdown reached its deadline. */
  handingBack(): boolean;
  /** Counts a job given back to its queue at the shutdown deadline. */
  handedBack(): void;
}

/** One endpoint's worker, queue and transport in this process. */
export interface EndpointWorker {
  readonly endpoint: Endpoint;
  readonly worker: Worker<DeliveryJobData, StoredAttempt>;
  readonly queue: Queue;
  readonly transport: EndpointTransport;
  /** Jobs this process is running for the endpoint now. */
  readonly inFlight: () => number;
}

/** Creates the endpoint's queue handle and BullMQ worker; the worker starts fetching at once. */
export function createEndpointWorker(endpoint: Endpoint, host: WorkerProcess): EndpointWorker {
  const { redis, prefix, reporter } = host;
  const label = endpoint.config.label;
  const transport = new EndpointTransport(endpoint.config, host.maxResponseBytes, host.agent);
  const name = queueNameFor(endpoint.id);
  const queue = new Queue(name, { connection: redis, prefix });
  queue.on("error", (error) => reporter.log("debug", "queue error", { error }));
  const statsKey = statsKeyFor(prefix, name);
  // The breaker lives in this process: each worker process judges the endpoint by its own
  // attempts. Disabling after disableAfterMs would need cluster-wide failure history (refused);
  // a gone answer needs none: the queue is paused for every worker, as its admin disables.
  const health: EndpointHealth = new EndpointHealth(
    { endpointId: endpoint.id, url: label },
    { ...endpoint.config.delivery.health, disableAfterMs: Infinity },
    Date.now,
    (event) => {
      if (event.name === "endpoint.disabled") void disableAsGone(event.data, queue, health, host);
      else host.emit(event);
    },
  );
  const judge = createProcessor(endpoint, health, {
    emit: host.emit,
    transport,
    reporter,
    handingBack: host.handingBack,
    handedBack: host.handedBack,
    recordFailure: async (job, record) => {
      await Promise.all([
        job.log(JSON.stringify(record)),
        redis.hincrby(statsKey, "failedAttempts", 1),
      ]);
    },
  });
  let inFlight = 0;
  const processor = async (job: Job<DeliveryJobData>, token?: string, signal?: AbortSignal) => {
    inFlight++;
    try {
      return await judge(job, token, signal);
    } finally {
      inFlight--;
    }
  };
  const worker = startWorker(endpoint, name, processor, host);
  return { endpoint, worker, queue, transport, inFlight: () => inFlight };
}

/**
 * The endpoint answered that it is gone: record why and pause its queue, so
 * that no worker of the cluster fetches its jobs until an operator resumes it
 * (`enableEndpoint` of the queues' admin). This process's health starts afresh,
 * for when the queue is resumed; then the event is reported.
 */
async function disableAsGone(
  data: DispatcherEvents["endpoint.disabled"],
  queue: Queue,
  health: EndpointHealth,
  host: WorkerProcess,
): Promise<void> {
  const { since, receiverCode } = data;
  try {
    await pauseAsGone(host.redis, queue, {
      since,
      ...(receiverCode === undefined ? {} : { receiverCode }),
    });
  } catch (error) {
    host.reporter.log(
      "error",
      `pausing the queue of endpoint ${data.url}, which answered that it is gone, failed; its jobs are still fetched`,
      { endpoint: data.url, error },
    );
  }
  health.enable();
  host.emit({ name: "endpoint.disabled", data });
}

/** The BullMQ worker of one endpoint queue, with the endpoint's retry waits and its logging. */
function startWorker(
  endpoint: Endpoint,
  name: string,
  processor: Processor<DeliveryJobData, StoredAttempt>,
  host: WorkerProcess,
): Worker<DeliveryJobData, StoredAttempt> {
  const { reporter } = host;
  const label = endpoint.config.label;
  const delays = endpoint.config.delivery.retry;
  const worker = new Worker<DeliveryJobData, StoredAttempt>(name, processor, {
    connection: host.redis,
    prefix: host.prefix,
    concurrency: endpoint.config.concurrency,
    ...host.locks,
    metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
    settings: {
      // The retry policy already chose the wait; BullMQ only keeps the job delayed that long.
      backoffStrategy: (attemptsMade: number, _type?: string, error?: Error) =>
        error instanceof AttemptFailedError
          ? error.retryInMs
          : (delays.delayFor(attemptsMade) ?? 0),
    },
  });
  worker.on("error", (error) => reporter.log("warn", "worker error", { endpoint: label, error }));
  worker.on("failed", (job: Job<DeliveryJobData> | undefined, error: Error) => {
    // Failures the processor did not judge: a job that crashed workers too often.
    if (job === undefined || error instanceof AttemptFailedError) return;
    if (error.name === "UnrecoverableError") return;
    reporter.log("warn", `delivery ${job.id} failed: ${error.message}`, { endpoint: label });
  });
  return worker;
}
