/**
 * The OpenTelemetry SDK as an API would set it up, with in-memory exporters: a context manager so
 * spans nest, a tracer provider and a meter provider made afresh, and instrumentation enabled,
 * for every test.
 */
import { context, type Span, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { instrumentTokenward, type TokenwardInstrumentation } from '../src/index.js';

export interface MetricPoint {
  readonly name: string;
  readonly attributes: Record<string, unknown>;
  readonly value: number;
}

export interface OtelHarness {
  /** Every span ended so far. */
  finished(): ReadableSpan[];
  named(name: string): ReadableSpan[];
  /** Every metric point so far (sums, and histogram counts), exported now. */
  points(): Promise<MetricPoint[]>;
  /** Runs `work` inside a span standing for the HTTP request an API is serving. */
  inRequest<T>(work: () => Promise<T>): Promise<{ result: T; request: Span }>;
  instrumentation(): TokenwardInstrumentation;
}

export const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

/** Registers the SDK's set-up and tear-down hooks for the calling test file. */
export function useOpenTelemetry(): OtelHarness {
  const contextManager = new AsyncLocalStorageContextManager();
  let spans: InMemorySpanExporter;
  let tracerProvider: BasicTracerProvider;
  let metricExporter: InMemoryMetricExporter;
  let meterProvider: MeterProvider;
  let instrumentation: TokenwardInstrumentation;

  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
  });
  afterAll(() => {
    context.disable();
  });
  beforeEach(() => {
    spans = new InMemorySpanExporter();
    tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    meterProvider = new MeterProvider({
      readers: [
        new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 }),
      ],
    });
    instrumentation = instrumentTokenward({ tracerProvider, meterProvider });
  });
  afterEach(async () => {
    instrumentation.disable();
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  });

  const finished = () => spans.getFinishedSpans();
  return {
    finished,
    named: (name) => finished().filter((span) => span.name === name),
    async points() {
      await meterProvider.forceFlush();
      // Cumulative: the latest export holds every point so far.
      return metricExporter
        .getMetrics()
        .slice(-1)
        .flatMap((resource) =>
          resource.scopeMetrics.flatMap((scope) =>
            scope.metrics.flatMap((metric) =>
              metric.dataPoints.map((point) => ({
                name: metric.descriptor.name,
                attributes: point.attributes,
                value:
                  typeof point.value === 'number' ? point.value : (point.value as { count: number }).count,
              })),
            ),
          ),
        );
    },
    async inRequest(work) {
      const request = tracerProvider.getTracer('test').startSpan('GET /orders');
      const result = await context.with(trace.setSpan(context.active(), request), work);
      request.end();
      return { result, request };
    },
    instrumentation: () => instrumentation,
  };
}
