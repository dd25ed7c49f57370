/**
 * The BullMQ processor of one endpoint, in place of the local scheduler's
 * attempt loop: one attempt per job run through the shared transport, judged
 * by the shared retry policy, recorded, and turned into what BullMQ does
 * next (complete, retry after our delay, fail for good, or give the job back
 * at shutdown).
 *
 * @module
 */
import { type Job, UnrecoverableError, WaitingError } from "bullmq";
import { toDeadLetter } from "../dead-letter";
import type { Reporter } from "../reporter";
import type { Endpoint } from "../router/endpoint";
import { judgeAttempt } from "../scheduler/retry-policy";
import type { LeasedDelivery } from "../store/delivery-store";
import type { EndpointTransport } from "../transport/endpoint-transport";
import type { DeliveryJobData, StoredAttempt } from "./job-data";

/** Thrown to BullMQ for a failed attempt that will be retried; carries the policy's delay. */
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
  readonly transport: EndpointTransport;
  readonly reporter: Reporter;
  /** True once shutdown reached its deadline: aborted attempts are handed back, not judged. */
  handingBack(): boolean;
  /** Counts a job given back to its queue at the shutdown deadline. */
  handedBack(): void;
  /** Stores a failed attempt's record (a job log line) and counts it cluster-wide. */
  recordFailure(job: Job<DeliveryJobData>, record: StoredAttempt): Promise<void>;
}

/** The delivery as the shared reporter and dead-letter builder see it. */
function toLeased(endpoint: Endpoint, job: Job<DeliveryJobData>, body: Buffer): LeasedDelivery {
  return {
    id: job.id as string,
    endpointId: endpoint.id,
    event: job.name,
    body,
    // attemptsStarted counts this run, and runs cut short by a crashed worker.
    attempts: Math.max(0, job.attemptsStarted - 1),
    // attemptsMade counts failed attempts of this series: a redelivery resets it.
    attemptsInSeries: job.attemptsMade,
    createdAt: job.data.createdAt,
  };
}

/** Builds the processor function of one endpoint's BullMQ worker. */
export function createProcessor(endpoint: Endpoint, host: ProcessorHost) {
  // The endpoint's retry schedule, built from its config exactly as for the local dispatcher.
  const delays = endpoint.config.delivery.retry;
  return async (
    job: Job<DeliveryJobData>,
    token?: string,
    signal?: AbortSignal,
  ): Promise<StoredAttempt> => {
    const delivery = toLeased(endpoint, job, Buffer.from(job.data.body, "utf8"));
    const attempt = delivery.attempts + 1;
    const outcome = await host.transport.send({
      deliveryId: delivery.id,
      event: delivery.event,
      body: delivery.body,
      attempt,
    });
    if (outcome.error !== undefined && signal?.aborted && host.handingBack()) {
      // Shutdown deadline: the job goes back to its queue for another worker, its series intact.
      await job.moveToWait(token);
      host.handedBack();
      throw new WaitingError();
    }
    endpoint.countAttempt(attempt);
    const verdict = judgeAttempt(outcome, delivery.attemptsInSeries + 1, delays, false);
    const retryInMs = verdict.next === "retry" ? verdict.delayMs : undefined;
    const { status, errorKind, errorMessage, responseBody } = outcome;
    // The outcome is an AttemptRecord; only its record fields, the unset ones left out, go to Redis.
    const record: StoredAttempt = {
      attempt,
      startedAt: outcome.startedAt,
      durationMs: outcome.durationMs,
      ...(status === undefined ? {} : { status }),
      ...(errorKind === undefined ? {} : { errorKind }),
      ...(errorMessage === undefined ? {} : { errorMessage }),
      ...(responseBody === undefined ? {} : { responseBody }),
      result: verdict.next,
      ...(verdict.next === "dead" ? { deadReason: verdict.reason } : {}),
      ...(retryInMs === undefined ? {} : { retryInMs }),
    };
    host.reporter.attempted(endpoint, delivery, attempt, outcome, retryInMs);
    // The delivering attempt's record is the job's return value: no extra round trip.
    if (verdict.next === "delivered") {
      endpoint.countDelivered();
      return record;
    }
    await host.recordFailure(job, record);
    const message = outcome.error?.message ?? `attempt ${attempt} failed`;
    if (verdict.next === "retry") throw new AttemptFailedError(message, verdict.delayMs);
    endpoint.countFailed();
    host.reporter.deadLettered(
      toDeadLetter(endpoint, {
        deliveryId: delivery.id,
        body: delivery.body,
        reason: verdict.reason,
        attempts: attempt,
        status: outcome.status,
        error: outcome.error,
      }),
      endpoint.config.label,
    );
    // Unrecoverable: BullMQ fails the job now, whatever attempts its options still allow.
    throw new UnrecoverableError(`${verdict.reason}: ${message}`);
  };
}
