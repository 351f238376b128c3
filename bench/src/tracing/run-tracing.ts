/**
 * What tracing costs (issue #18): RS256 distinct tokens, result cache off, awaited one at a time,
 * in three interleaved lanes per round:
 *
 * - _no tracing_: a verifier built on the Node runtime with its tracing seam removed, as if the
 *   library had no tracing code (reached through the built files, not the public API);
 * - _nobody subscribed_: the public Node entry, which checks the channels on every call;
 * - _OpenTelemetry_: the same, with `@tokenward/otel` subscribed to a real SDK tracer and meter
 *   (spans through the BatchSpanProcessor production setups use, to an exporter that drops them;
 *   metrics aggregated in memory).
 *
 * The first two should not differ beyond the run's noise, which the report states.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { type AccessTokenVerifier, createAccessTokenVerifier } from '@tokenward/core';
import { instrumentTokenward } from '@tokenward/otel';
import type { BenchIssuer, TokenSet } from '../lib/fixture.js';
import type { BenchOptions } from '../lib/options.js';
import { collectGarbage, rotate, type Summary, summarize } from '../lib/stats.js';
import type { TargetOutcome } from '../report/results.js';
import { Cursor, measure } from '../throughput/measure.js';

export interface TracingResult {
  /** Verifications per second of each lane. */
  readonly untraced: Summary;
  readonly unsubscribed: Summary;
  readonly withOtel: Summary;
  /** Per round: nobody subscribed ÷ no tracing. */
  readonly unsubscribedRatio: Summary;
  /** Per round: microseconds each verification gains with the OpenTelemetry subscriber. */
  readonly otelMicroseconds: Summary;
}

/** Drops every span: the cost measured is producing them, not shipping them. */
class DroppingExporter implements SpanExporter {
  export(_spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    done({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

type Factory = (runtime: object) => (options: object) => AccessTokenVerifier;

/** The Node entry's verifier factory with tracing removed from its runtime (internal modules, by path). */
async function untracedVerifier(options: object): Promise<AccessTokenVerifier> {
  const dist = dirname(createRequire(import.meta.url).resolve('@tokenward/core'));
  const load = (path: string) => import(pathToFileURL(join(dist, path)).href);
  const { accessTokenVerifierFactory } = (await load('access-token.js')) as {
    accessTokenVerifierFactory: Factory;
  };
  const { nodeRuntime } = (await load('lib/runtime/node/node-runtime.js')) as { nodeRuntime: object };
  return accessTokenVerifierFactory({ ...nodeRuntime, tracing: undefined })(options);
}

export async function runTracing(
  bench: BenchIssuer,
  set: TokenSet,
  options: BenchOptions,
  log: (line: string) => void,
): Promise<TracingResult> {
  const target = bench.target(set.alg);
  const settings = {
    issuer: target.issuer,
    audience: target.audience,
    algorithms: [target.alg],
    resultCache: false as const,
  };
  const untraced = await untracedVerifier(settings);
  const traced = createAccessTokenVerifier(settings);
  await Promise.all([untraced.warm(), traced.warm()]);
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(new DroppingExporter())],
  });
  const meterProvider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
        exportIntervalMillis: 3_600_000,
      }),
    ],
  });
  const tokens = set.distinct;
  const lanes = [
    {
      name: 'untraced',
      verify: (index: number) => untraced.verify(tokens[index]!),
      otel: false,
      samples: [] as number[],
    },
    {
      name: 'unsubscribed',
      verify: (index: number) => traced.verify(tokens[index]!),
      otel: false,
      samples: [] as number[],
    },
    {
      name: 'otel',
      verify: (index: number) => traced.verify(tokens[index]!),
      otel: true,
      samples: [] as number[],
    },
  ];
  const cursor = new Cursor(tokens.length);
  for (let round = 0; round < options.rounds; round++) {
    for (const lane of rotate(lanes, round)) {
      const instrumentation = lane.otel ? instrumentTokenward({ tracerProvider, meterProvider }) : undefined;
      try {
        // As in the throughput phase: nothing the previous lane kept (the otel lane's spans) is
        // collected on this lane's time, and the warm-up regrows the young generation.
        collectGarbage();
        await measure(lane.verify, cursor, 'serial', options.sampleMs);
        lane.samples.push(await measure(lane.verify, cursor, 'serial', options.sampleMs));
      } finally {
        instrumentation?.disable();
      }
    }
    log(`  round ${round + 1}/${options.rounds} done`);
  }
  await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
  const [none, unsubscribed, otel] = lanes.map((lane) => lane.samples) as [number[], number[], number[]];
  return {
    untraced: summarize(none),
    unsubscribed: summarize(unsubscribed),
    withOtel: summarize(otel),
    unsubscribedRatio: summarize(unsubscribed.map((rate, round) => rate / none[round]!)),
    otelMicroseconds: summarize(otel.map((rate, round) => 1e6 / rate - 1e6 / unsubscribed[round]!)),
  };
}

/** The two tracing targets of issue #18. */
export function tracingTargets(result: TracingResult | undefined): TargetOutcome[] {
  const quiet = 'tracing, nobody subscribed: no measurable difference from no tracing code (within ±3%)';
  const otel = 'tracing with @tokenward/otel subscribed: cost per verification reported';
  if (!result) {
    return [
      { target: quiet, measured: 'not measured in this run', met: undefined },
      { target: otel, measured: 'not measured in this run', met: undefined },
    ];
  }
  const ratio = result.unsubscribedRatio;
  return [
    {
      target: quiet,
      measured: `${ratio.median.toFixed(3)}× (rounds ${ratio.min.toFixed(3)}–${ratio.max.toFixed(3)})`,
      met: Math.abs(ratio.median - 1) <= 0.03,
    },
    {
      target: otel,
      measured: `+${result.otelMicroseconds.median.toFixed(1)} µs per verification (rounds ${result.otelMicroseconds.min.toFixed(1)}–${result.otelMicroseconds.max.toFixed(1)})`,
      met: true,
    },
  ];
}
