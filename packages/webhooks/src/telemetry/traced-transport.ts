/**
 * The transport with a CLIENT span and a duration measurement per attempt.
 *
 * @module
 */
import type { ResolvedConfig } from "../router/resolve-configs";
import type { AttemptOutcome } from "../transport/attempt-outcome";
import { type AttemptRequest, EndpointTransport } from "../transport/endpoint-transport";
import type { SharedAgent } from "../transport/shared-agent";
import { type AttemptTarget, attemptTarget } from "./attempt-target";
import type { WebhookTelemetry } from "./webhook-telemetry";

/**
 * An `EndpointTransport` that opens a span before each attempt, sends its
 * `traceparent` with the request, and closes it with the outcome. Created
 * instead of the plain transport only when the OpenTelemetry API is installed.
 */
export class TracedTransport extends EndpointTransport {
  private readonly target: AttemptTarget;

  constructor(
    config: ResolvedConfig,
    maxResponseBytes: number,
    agent: SharedAgent,
    private readonly telemetry: WebhookTelemetry,
  ) {
    super(config, maxResponseBytes, agent);
    this.target = attemptTarget(config);
  }

  override send(request: AttemptRequest): Promise<AttemptOutcome> {
    if (!this.telemetry.recording) return super.send(request);
    const attempt = this.telemetry.startAttempt(this.target, request);
    return super
      .send(attempt.headers ? { ...request, headers: attempt.headers } : request)
      .then((outcome) => {
        attempt.end(outcome);
        return outcome;
      });
  }
}
