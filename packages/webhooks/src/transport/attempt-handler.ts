/**
 * One HTTP attempt as an undici dispatch handler: no AbortController, no
 * response stream, no timer of its own. Internal to the dispatcher.
 *
 * @module
 */
import type { Dispatcher } from "undici";
import {
  BlockedAddressError,
  type DeliveryErrorContext,
  WebhookBlockedAddressError,
  WebhookConnectionError,
  WebhookDeliveryError,
  WebhookResponseError,
  WebhookTimeoutError,
} from "../errors";
import { parseRetryAfter } from "../scheduler/parse-retry-after";
import type { AttemptErrorKind } from "../store/delivery-store";
import { type AttemptOutcome, RESPONSE_CAPTURE_BYTES } from "./attempt-outcome";
import type { Deadline, DeadlineList } from "./deadline-list";
import { readReceiverError } from "./receiver-error";
import { type AnsweringService, readServiceAnswer } from "./service-answers";

// Read once: the getter crosses into the runtime, and the origin never changes.
const TIME_ORIGIN = performance.timeOrigin;

/** 3xx is retried like 5xx: it is never followed, and may be a temporary misrouting. */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500 || (status >= 300 && status < 400);
}

/**
 * Receives undici's callbacks for one request and resolves exactly once: at
 * the end of the response, on an error, at `timeoutMs`, or when abandoned by
 * `close()`. Once resolved, the request is aborted if it is still running.
 * The timeout is kept by the endpoint's `DeadlineList`, which calls `expire`.
 * The first `RESPONSE_CAPTURE_BYTES` of the response body are kept for the
 * attempt record.
 *
 * @example
 * ```ts
 * const handler = new AttemptHandler(context, performance.now(), 5000, 65536, deadlines, resolve);
 * pool.dispatch({ path: "/hook", method: "POST", headers, body }, handler);
 * ```
 */
export class AttemptHandler implements Dispatcher.DispatchHandler, Deadline {
  readonly deadline: number;
  prev: Deadline | undefined;
  next: Deadline | undefined;
  private controller: Dispatcher.DispatchController | undefined;
  private settled = false;
  private status = 0;
  private retryAfter: string | string[] | undefined;
  private received = 0;
  private captured: Buffer[] | undefined;
  private contentType: string | undefined;

  constructor(
    private readonly context: DeliveryErrorContext,
    /** `performance.now()` when the request started. */
    private readonly startedAt: number,
    private readonly timeoutMs: number,
    private readonly maxResponseBytes: number,
    private readonly deadlines: DeadlineList,
    private readonly resolve: (outcome: AttemptOutcome) => void,
    /** The chat service whose error bodies are read, for a chat format. */
    private readonly service?: AnsweringService,
  ) {
    this.deadline = startedAt + timeoutMs;
    deadlines.add(this);
  }

  /** The attempt outlived `timeoutMs` (called by the deadline list). */
  expire(): void {
    this.finish(undefined, new WebhookTimeoutError(this.timeoutMs, this.context), "timeout", true);
  }

  /** Gives up on the attempt (close() at its deadline). */
  abandon(): void {
    const message = `${this.context.endpoint}: attempt ${this.context.attempt} aborted by close()`;
    this.finish(undefined, new WebhookDeliveryError(message, this.context), "aborted", false);
  }

  /** Reports a failure to even start the request, or a broken response. */
  fail(cause: unknown): void {
    if (cause instanceof BlockedAddressError) {
      // The network policy refused the address: trying again cannot help.
      const error = new WebhookBlockedAddressError({ ...this.context, cause });
      this.finish(undefined, error, "blocked_address", false, undefined, true);
      return;
    }
    const error = new WebhookConnectionError({ ...this.context, cause });
    this.finish(undefined, error, "connection", true, undefined, true);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    // Timed out or abandoned while waiting for a connection.
    if (this.settled) controller.abort(new Error("attempt already settled"));
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.status = statusCode;
    this.retryAfter = headers["retry-after"];
    const type = headers["content-type"];
    this.contentType = typeof type === "string" ? type : undefined;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const before = this.received;
    this.received += chunk.length;
    if (before < RESPONSE_CAPTURE_BYTES) {
      const kept = chunk.subarray(0, RESPONSE_CAPTURE_BYTES - before);
      if (this.captured === undefined) this.captured = [kept];
      else this.captured.push(kept);
    }
    if (this.received <= this.maxResponseBytes) return;
    // Judge by the status and drop the connection rather than buffer or drain more.
    this.finishWithStatus(false);
  }

  onResponseEnd(): void {
    this.finishWithStatus(true);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  private finishWithStatus(requestDone: boolean): void {
    const status = this.status;
    if (status >= 200 && status < 300) {
      this.finish(status, undefined, undefined, false, undefined, requestDone);
      return;
    }
    const retryable = isRetryableStatus(status);
    const body = this.captured === undefined ? undefined : capturedText(this.captured);
    let receiver = readReceiverError(body, this.contentType);
    let retryAfterMs = retryable ? parseRetryAfter(this.retryAfter) : undefined;
    if (this.service !== undefined) {
      const answer = readServiceAnswer(this.service, body, receiver);
      receiver = answer.receiver;
      if (retryable) retryAfterMs = answer.retryAfterMs ?? retryAfterMs;
    }
    const error = new WebhookResponseError(status, retryable, this.context, receiver);
    this.finish(status, error, "http_status", retryable, retryAfterMs, requestDone);
  }

  /** Resolves once; aborts the request when it is still running (`requestDone` false). */
  private finish(
    status: number | undefined,
    error: WebhookDeliveryError | undefined,
    errorKind: AttemptErrorKind | undefined,
    retryable: boolean,
    retryAfterMs?: number,
    requestDone = false,
  ): void {
    if (this.settled) return;
    this.settled = true;
    this.deadlines.remove(this);
    const durationMs = performance.now() - this.startedAt;
    const outcome: AttemptOutcome = {
      attempt: this.context.attempt,
      startedAt: Math.floor(TIME_ORIGIN + this.startedAt),
      durationMs,
      status,
      error,
      errorKind,
      errorMessage: error?.message,
      retryable,
      retryAfterMs,
      responseBody: this.captured === undefined ? undefined : capturedText(this.captured),
    };
    this.resolve(outcome);
    const controller = this.controller;
    if (!requestDone && controller !== undefined && !controller.aborted) {
      controller.abort(error ?? new Error("attempt settled"));
    }
  }
}

function capturedText(chunks: Buffer[]): string {
  return (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString("utf8");
}
