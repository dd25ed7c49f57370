/**
 * The OpenTelemetry SDK, installed globally for one test file with in-memory
 * exporters: spans are kept as they end, metrics when `collect()` asks for
 * them. Uninstalled after the file's last test.
 *
 * @module
 */
import { metrics, propagation, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll } from "vitest";

export interface InMemoryOtel {
  readonly spans: InMemorySpanExporter;
  /** Every metric recorded so far (cumulative since the start of the file), as one collection now. */
  collect(): Promise<ReturnType<InMemoryMetricExporter["getMetrics"]>>;
}

/** Installs the SDK; `propagate` also installs the W3C trace-context propagator. */
export function installInMemoryOtel(options: { propagate?: boolean } = {}): InMemoryOtel {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spans)],
  });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // Exports only when asked: collect() flushes.
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  if (options.propagate === true) propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  afterAll(async () => {
    await meterProvider.shutdown();
    await tracerProvider.shutdown();
    trace.disable();
    metrics.disable();
    propagation.disable();
  });
  return {
    spans,
    collect: async () => {
      metricExporter.reset();
      await reader.forceFlush();
      return metricExporter.getMetrics();
    },
  };
}
