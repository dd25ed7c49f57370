/**
 * Traces and metrics of deliveries, through the OpenTelemetry API.
 *
 * @module
 */
import type { Attributes, Counter, Histogram, Span, SpanContext, Tracer } from "@opentelemetry/api";
import type { DeadLetter } from "../reporting/hook-payloads";
import type { SchedulerWiring } from "../scheduler/scheduler-wiring";
import type { AttemptOutcome } from "../transport/attempt-outcome";
import type { AttemptRequest } from "../transport/endpoint-transport";
import { VERSION } from "../version";
import type { AttemptTarget } from "./attempt-target";
import { EndpointGauges, type GaugeSources } from "./endpoint-gauges";
import { loadOtel, type OtelApi } from "./load-otel";

const SCOPE = "@attesta/webhooks";
// The buckets the HTTP semantic conventions advise for http.client.request.duration.
const DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];
// Producer contexts of deliveries still in flight here; the bound only matters if settling is missed.
const MAX_PRODUCERS = 10_000;

/** An attempt being traced: headers to send, and what to call with its outcome. */
export interface TracedAttempt {
  /** `traceparent` (and `tracestate`) as a flat name/value list, when a propagator is set. */
  readonly headers: readonly string[] | undefined;
  end(outcome: AttemptOutcome): void;
}

/** The global tracer provider of the API: a proxy that delegates to the SDK once one is registered. */
interface TracerProxy {
  getDelegate(): unknown;
  getDelegateTracer(name: string, version?: string): unknown;
}

function isTracerProxy(provider: unknown): provider is TracerProxy {
  const proxy = provider as Partial<TracerProxy>;
  return typeof proxy.getDelegate === "function" && typeof proxy.getDelegateTracer === "function";
}

function errorType(outcome: AttemptOutcome): string | undefined {
  if (outcome.error === undefined) return undefined;
  if (outcome.status !== undefined) return String(outcome.status);
  const code = (outcome.error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : (outcome.errorKind ?? "_OTHER");
}

/**
 * Creates spans and records measurements for one dispatcher. Without an SDK
 * registered, the API hands out no-op tracers and meters: each attempt then
 * costs a non-recording span and a no-op record, and nothing runs per emit.
 */
export class WebhookTelemetry {
  private readonly producers = new Map<string, SpanContext>();
  private readonly tracer: Tracer;
  private readonly duration: Histogram;
  private readonly deadLetters: Counter;
  private readonly gauges: EndpointGauges;
  /** The tracer proxy while no SDK was registered at creation, and its no-op delegate then. */
  private readonly tracerProxy: TracerProxy | undefined;
  private readonly noopTracing: unknown;
  /** Whether the meter records: a meter is fixed at creation, and the API's no-op one never does. */
  private readonly metering: boolean;

  /** The telemetry of a dispatcher, or `undefined` when `@opentelemetry/api` is not installed. */
  static create(sources: GaugeSources): WebhookTelemetry | undefined {
    const api = loadOtel();
    return api === undefined ? undefined : new WebhookTelemetry(api, sources);
  }

  private constructor(
    private readonly api: OtelApi,
    sources: GaugeSources,
  ) {
    const provider = api.trace.getTracerProvider();
    this.tracer = provider.getTracer(SCOPE, VERSION);
    // The tracer follows an SDK registered later, so whether it records is asked per attempt.
    if (isTracerProxy(provider) && provider.getDelegateTracer(SCOPE, VERSION) === undefined) {
      this.tracerProxy = provider;
      this.noopTracing = provider.getDelegate();
    }
    const meter = api.metrics.getMeter(SCOPE, VERSION);
    this.metering = typeof api.createNoopMeter !== "function" || meter !== api.createNoopMeter();
    this.duration = meter.createHistogram("http.client.request.duration", {
      description: "Duration of webhook delivery attempts.",
      unit: "s",
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.deadLetters = meter.createCounter("attesta.webhooks.dead_letters", {
      description: "Deliveries that will not be attempted again.",
      unit: "{delivery}",
    });
    this.gauges = new EndpointGauges(meter, sources);
  }

  /**
   * Whether an attempt would record anything. Without an SDK it would only
   * make non-recording spans and no-op measurements, so the transport skips
   * them: a few µs and several objects per attempt.
   */
  get recording(): boolean {
    const proxy = this.tracerProxy;
    return this.metering || proxy === undefined || proxy.getDelegate() !== this.noopTracing;
  }

  /** Opens the CLIENT span of one attempt (and the delivery's PRODUCER span on its first). */
  startAttempt(target: AttemptTarget, request: AttemptRequest): TracedAttempt {
    const { api } = this;
    const producer = this.producerOf(target, request);
    const attributes: Attributes = {
      "http.request.method": "POST",
      "url.full": target.urlFull,
      "server.address": target.serverAddress,
      "server.port": target.serverPort,
    };
    if (request.attempt > 1) attributes["http.request.resend_count"] = request.attempt - 1;
    const parent = producer
      ? api.trace.setSpanContext(api.ROOT_CONTEXT, producer)
      : api.ROOT_CONTEXT;
    const span = this.tracer.startSpan(
      "POST",
      {
        kind: api.SpanKind.CLIENT,
        attributes,
        ...(producer ? { links: [{ context: producer }] } : {}),
      },
      parent,
    );
    return { headers: this.inject(span), end: (outcome) => this.endAttempt(target, span, outcome) };
  }

  /** `host`, also dropping a delivery's producer context once no retry follows its attempt. */
  observe(host: SchedulerWiring): SchedulerWiring {
    return {
      ...host,
      attempted: (endpoint, delivery, attemptNumber, outcome, retryInMs) => {
        if (retryInMs === undefined && this.producers.size > 0) this.producers.delete(delivery.id);
        host.attempted(endpoint, delivery, attemptNumber, outcome, retryInMs);
      },
    };
  }

  deadLettered(letter: DeadLetter): void {
    this.producers.delete(letter.deliveryId);
    this.deadLetters.add(1, {
      "attesta.webhooks.endpoint": letter.endpointId,
      "attesta.webhooks.dead_reason": letter.reason,
    });
  }

  /** Stops observing the endpoints (the dispatcher is closed). */
  close(): void {
    this.gauges.close();
    this.producers.clear();
  }

  private producerOf(target: AttemptTarget, request: AttemptRequest): SpanContext | undefined {
    const known = this.producers.get(request.deliveryId);
    if (known !== undefined) return known;
    const { api } = this;
    // From routing until the first attempt here: the time the delivery spent queued.
    const span = this.tracer.startSpan(
      `send ${request.event}`,
      {
        kind: api.SpanKind.PRODUCER,
        ...(request.createdAt === undefined ? {} : { startTime: request.createdAt }),
        attributes: {
          "messaging.system": "attesta_webhooks",
          "messaging.operation.name": "send",
          "messaging.destination.name": target.endpointId,
          "messaging.message.id": request.deliveryId,
          "attesta.webhooks.event": request.event,
        },
      },
      api.ROOT_CONTEXT,
    );
    span.end();
    const context = span.spanContext();
    if (!api.isSpanContextValid(context)) return undefined;
    if (this.producers.size >= MAX_PRODUCERS) {
      const oldest = this.producers.keys().next();
      if (!oldest.done) this.producers.delete(oldest.value);
    }
    this.producers.set(request.deliveryId, context);
    return context;
  }

  private inject(span: Span): readonly string[] | undefined {
    if (!span.isRecording()) return undefined;
    const carrier: Record<string, string> = {};
    this.api.propagation.inject(this.api.trace.setSpan(this.api.ROOT_CONTEXT, span), carrier);
    const headers: string[] = [];
    for (const [name, value] of Object.entries(carrier)) headers.push(name, value);
    return headers.length > 0 ? headers : undefined;
  }

  private endAttempt(target: AttemptTarget, span: Span, outcome: AttemptOutcome): void {
    const attributes: Attributes = {
      "http.request.method": "POST",
      "server.address": target.serverAddress,
      "server.port": target.serverPort,
    };
    if (outcome.status !== undefined) attributes["http.response.status_code"] = outcome.status;
    const error = errorType(outcome);
    if (error !== undefined) attributes["error.type"] = error;
    this.duration.record(outcome.durationMs / 1000, attributes);
    if (!span.isRecording()) return;
    if (outcome.status !== undefined)
      span.setAttribute("http.response.status_code", outcome.status);
    if (error !== undefined) {
      span.setAttribute("error.type", error);
      span.setStatus({ code: this.api.SpanStatusCode.ERROR, message: outcome.error?.message });
    }
    span.end();
  }
}
