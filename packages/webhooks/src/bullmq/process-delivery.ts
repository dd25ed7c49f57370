/**
 * The BullMQ processor of one endpoint: one attempt per job run, recorded,
 * and turned into what BullMQ should do next (complete, retry after our
 * delay, fail for good, or give the job back at shutdown).
 *
 * @module
 */
import { type Job, UnrecoverableError, WaitingError } from "bullmq";
import type { DeadReason } from "../store/delivery-store";
import type { DeadLetter, DeliveryAttempt } from "../types";
import type { WebhookDeliveryError } from "../webhook-delivery-error";
import type { DistributedEndpoint } from "./endpoints";
import type { DeliveryJobData, StoredAttempt } from "./job-data";
import { retryDelayMs } from "./retry-delay";
import type { SendAttempt } from "./send-attempt";

/** Thrown to BullMQ for a failed attempt that will be retried; carries our delay. */
export class AttemptFailedError extends Error {
  override name = "AttemptFailedError";
  constructor(
    message: string,
    readonly retryInMs: number,
  ) {
    super(message);
  }
}

/** What the processor needs from its worker set. */
export interface ProcessorHost {
  readonly send: SendAttempt;
  /** True once shutdown reached its deadline: aborted attempts are handed back, not failed. */
  handingBack(): boolean;
  /** Counts a job given back to its queue at the shutdown deadline. */
  handedBack(): void;
  /** Stores a failed attempt's record (a job log line) and counts it. */
  recordFailure(job: Job<DeliveryJobData>, record: StoredAttempt): Promise<void>;
  attempted(attempt: DeliveryAttempt): void;
  deadLettered(letter: DeadLetter): void;
}

/** Builds the processor function of one endpoint's BullMQ worker. */
export function createProcessor(endpoint: DistributedEndpoint, host: ProcessorHost) {
  return async (
    job: Job<DeliveryJobData>,
    token?: string,
    signal?: AbortSignal,
  ): Promise<StoredAttempt> => {
    const deliveryId = job.id as string;
    // attemptsStarted counts this run too, and runs cut short by a crashed worker.
    const attempt = Math.max(1, job.attemptsStarted);
    const sent = await host.send({
      deliveryId,
      eventType: job.data.type,
      body: Buffer.from(job.data.body, "utf8"),
      attempt,
      signal,
    });
    const ok = sent.error === undefined;
    if (!ok && signal?.aborted && host.handingBack()) {
      // Shutdown deadline: the job goes back to the queue for another worker, keeping its retries.
      await job.moveToWait(token);
      host.handedBack();
      throw new WaitingError();
    }
    const retriesLeft = job.attemptsMade + 1 < (job.opts.attempts ?? 1);
    const willRetry = !ok && sent.retryable && retriesLeft;
    const retryInMs = willRetry
      ? retryDelayMs(endpoint, job.attemptsMade + 1, sent.retryAfterMs)
      : undefined;
    const deadReason: DeadReason | undefined =
      ok || willRetry ? undefined : sent.retryable ? "exhausted" : "rejected";
    const record: StoredAttempt = {
      attempt,
      startedAt: sent.startedAt,
      durationMs: Math.round(sent.durationMs),
      ...(sent.status === undefined ? {} : { status: sent.status }),
      ...(sent.error === undefined ? {} : errorFields(sent.error)),
      result: ok ? "delivered" : willRetry ? "retry" : "dead",
      ...(deadReason === undefined ? {} : { deadReason }),
      ...(retryInMs === undefined ? {} : { retryInMs }),
    };
    host.attempted({
      url: endpoint.url,
      endpointIndex: endpoint.index,
      deliveryId,
      event: job.name,
      attempt,
      ok,
      status: sent.status,
      error: sent.error,
      durationMs: sent.durationMs,
      willRetry,
      retryInMs,
    });
    // The delivering attempt's record is the job's return value: no extra round trip.
    if (ok) return record;
    await host.recordFailure(job, record);
    const message = sent.error?.message ?? `attempt ${attempt} failed`;
    if (retryInMs !== undefined) throw new AttemptFailedError(message, retryInMs);
    host.deadLettered({
      url: endpoint.url,
      endpointIndex: endpoint.index,
      deliveryId,
      payload: JSON.parse(job.data.body),
      reason: deadReason === "rejected" ? "rejected" : "exhausted",
      attempts: attempt,
      ...(sent.status === undefined ? {} : { status: sent.status }),
      ...(sent.error === undefined ? {} : { error: sent.error }),
    });
    // Unrecoverable: BullMQ fails the job now, whatever attempts remain.
    throw new UnrecoverableError(`${deadReason}: ${message}`);
  };
}

function errorFields(
  error: WebhookDeliveryError,
): Pick<StoredAttempt, "errorKind" | "errorMessage"> {
  const kind: StoredAttempt["errorKind"] =
    error.name === "WebhookResponseError"
      ? "http_status"
      : error.name === "WebhookTimeoutError"
        ? "timeout"
        : error.name === "WebhookConnectionError"
          ? "connection"
          : "aborted";
  return { errorKind: kind, errorMessage: error.message };
}
