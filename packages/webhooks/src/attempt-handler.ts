/**
 * One HTTP attempt as an undici dispatch handler: no AbortController, no
 * response stream, no timer of its own. Internal to the dispatcher.
 *
 * @module
 */
import type { Dispatcher } from "undici";
import type { Deadline, DeadlineList } from "./deadline-list";
import { parseRetryAfter } from "./parse-retry-after";
import { WebhookConnectionError } from "./webhook-connection-error";
import { type DeliveryErrorContext, WebhookDeliveryError } from "./webhook-delivery-error";
import { WebhookResponseError } from "./webhook-response-error";
import { WebhookTimeoutError } from "./webhook-timeout-error";

/** How an attempt ended. */
export interface AttemptOutcome {
  readonly status?: number;
  readonly error?: WebhookDeliveryError;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
}

/** 3xx is retried like 5xx: it is never followed, and may be a temporary misrouting. */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500 || (status >= 300 && status < 400);
}

/**
 * Receives undici's callbacks for one request and resolves exactly once: at
 * the end of the response, on an error, at `timeoutMs`, or when abandoned by
 * `close()`. Once resolved, the request is aborted if it is still running.
 * The timeout is kept by the endpoint's `DeadlineList`, which calls `expire`.
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

  constructor(
    private readonly context: DeliveryErrorContext,
    startedAt: number,
    private readonly timeoutMs: number,
    private readonly maxResponseBytes: number,
    private readonly deadlines: DeadlineList,
    private readonly resolve: (outcome: AttemptOutcome) => void,
  ) {
    this.deadline = startedAt + timeoutMs;
    deadlines.add(this);
  }

  /** The attempt outlived `timeoutMs` (called by the deadline list). */
  expire(): void {
    this.finish({ retryable: true, error: new WebhookTimeoutError(this.timeoutMs, this.context) });
  }

  /** Gives up on the attempt (close() at its deadline). */
  abandon(): void {
    this.finish({
      retryable: false,
      error: new WebhookDeliveryError(
        `${this.context.endpoint}: attempt ${this.context.attempt} aborted by close()`,
        this.context,
      ),
    });
  }

  /** Reports a failure to even start the request. */
  fail(cause: unknown): void {
    this.finish(
      { retryable: true, error: new WebhookConnectionError({ ...this.context, cause }) },
      true,
    );
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
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.received += chunk.length;
    if (this.received <= this.maxResponseBytes) return;
    // Judge by the status and drop the connection rather than buffer or drain more.
    this.finish(this.outcomeForStatus());
  }

  onResponseEnd(): void {
    this.finish(this.outcomeForStatus(), true);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  private outcomeForStatus(): AttemptOutcome {
    const status = this.status;
    if (status >= 200 && status < 300) return { status, retryable: false };
    const retryable = isRetryableStatus(status);
    return {
      status,
      retryable,
      error: new WebhookResponseError(status, retryable, this.context),
      retryAfterMs: retryable ? parseRetryAfter(this.retryAfter) : undefined,
    };
  }

  /** Resolves once; aborts the request when it is still running (`requestDone` false). */
  private finish(outcome: AttemptOutcome, requestDone = false): void {
    if (this.settled) return;
    this.settled = true;
    this.deadlines.remove(this);
    this.resolve(outcome);
    const controller = this.controller;
    if (!requestDone && controller !== undefined && !controller.aborted) {
      controller.abort(outcome.error ?? new Error("attempt settled"));
    }
  }
}
