/**
 * Subscribes to tokenward's tracing channels and turns each operation into a span and a metric
 * point. A verification's span is the child of whatever span is active where `verify` was called
 * (an HTTP request's, typically); the discovery and key-set fetches it causes become its children,
 * through a store bound to the verify channel's `start` (tokenward runs each verification inside
 * those stores).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import diagnosticsChannel from 'node:diagnostics_channel';
import {
  type Attributes,
  context,
  type Meter,
  type MeterProvider,
  metrics,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import {
  type DiscoveryTraceContext,
  type JwksTraceContext,
  type StaleServedMessage,
  TRACING_CHANNELS,
  type VerifyTraceContext,
} from '@tokenward/core';
import { ATTRIBUTES, METRICS, SPANS } from './names.js';

export interface InstrumentationOptions {
  /** Default: the global tracer provider (`trace.getTracerProvider()`). */
  readonly tracerProvider?: TracerProvider;
  /** Default: the global meter provider (`metrics.getMeterProvider()`). */
  readonly meterProvider?: MeterProvider;
}

export interface TokenwardInstrumentation {
  /** Unsubscribes from every channel; spans already started still end. */
  disable(): void;
}

const SCOPE = '@tokenward/otel';

interface Operation {
  readonly startedAt: number;
  readonly durationMs: number | undefined;
  readonly outcome: VerifyTraceContext['outcome'];
}

type Handlers<Context> = {
  start(context: Context): void;
  end(context: Context): void;
  asyncStart(context: Context): void;
  asyncEnd(context: Context): void;
  error(context: Context): void;
};

/**
 * Starts producing spans and metrics. Call it once, after the OpenTelemetry SDK is set up.
 *
 * @example
 * const instrumentation = instrumentTokenward();
 * // ... on shutdown
 * instrumentation.disable();
 */
export function instrumentTokenward(options: InstrumentationOptions = {}): TokenwardInstrumentation {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE);
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE);
  const instruments = createInstruments(meter);
  const spans = new WeakMap<object, Span>();
  const currentVerification = new AsyncLocalStorage<Span>();

  /** The span of `operation`, started on first sight (the bound store's transform or `start`). */
  const spanOf = (operation: object, start: () => Span): Span => {
    let span = spans.get(operation);
    if (span === undefined) {
      span = start();
      spans.set(operation, span);
    }
    return span;
  };
  const childOfVerification = (name: string, attributes: Attributes): Span => {
    const parent = currentVerification.getStore();
    const parentContext = parent === undefined ? context.active() : trace.setSpan(context.active(), parent);
    return tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parentContext);
  };

  const verifySpan = (operation: VerifyTraceContext) =>
    spanOf(operation, () =>
      tracer.startSpan(SPANS.verify, {
        kind: SpanKind.INTERNAL,
        attributes: { [ATTRIBUTES.tokenKind]: operation.kind },
      }),
    );

  const verify = lifecycle<VerifyTraceContext>(verifySpan, spans, (span, operation) => {
    const attributes = defined({
      [ATTRIBUTES.tokenKind]: operation.kind,
      [ATTRIBUTES.issuer]: operation.issuer,
      [ATTRIBUTES.kid]: operation.kid,
      [ATTRIBUTES.alg]: operation.alg,
      [ATTRIBUTES.cacheHit]: operation.cacheHit,
      [ATTRIBUTES.outcome]: operation.outcome,
    });
    span.setAttributes(attributes);
    const dimensions = defined({
      [ATTRIBUTES.tokenKind]: operation.kind,
      [ATTRIBUTES.issuer]: operation.issuer,
      [ATTRIBUTES.cacheHit]: operation.cacheHit,
      [ATTRIBUTES.outcome]: operation.outcome,
    });
    instruments.verifications.add(1, dimensions);
    if (operation.durationMs !== undefined)
      instruments.verificationDuration.record(operation.durationMs, dimensions);
  });

  const discovery = lifecycle<DiscoveryTraceContext>(
    (operation) =>
      spanOf(operation, () =>
        childOfVerification(SPANS.discovery, { [ATTRIBUTES.issuer]: operation.issuer }),
      ),
    spans,
    (span, operation) => {
      span.setAttributes(
        defined({ [ATTRIBUTES.jwksUri]: operation.jwksUri, [ATTRIBUTES.outcome]: operation.outcome }),
      );
      instruments.discoveryFetches.add(
        1,
        defined({ [ATTRIBUTES.issuer]: operation.issuer, [ATTRIBUTES.outcome]: operation.outcome }),
      );
    },
  );

  const jwks = lifecycle<JwksTraceContext>(
    (operation) =>
      spanOf(operation, () =>
        childOfVerification(SPANS.jwks, {
          [ATTRIBUTES.issuer]: operation.issuer,
          [ATTRIBUTES.url]: operation.url,
          [ATTRIBUTES.fetchReason]: operation.reason,
        }),
      ),
    spans,
    (span, operation) => {
      span.setAttributes(
        defined({ [ATTRIBUTES.keys]: operation.keys, [ATTRIBUTES.outcome]: operation.outcome }),
      );
      instruments.jwksFetches.add(
        1,
        defined({
          [ATTRIBUTES.issuer]: operation.issuer,
          [ATTRIBUTES.fetchReason]: operation.reason,
          [ATTRIBUTES.outcome]: operation.outcome,
        }),
      );
    },
  );

  const staleServed = (message: unknown) => {
    instruments.jwksStaleServed.add(1, { [ATTRIBUTES.issuer]: (message as StaleServedMessage).issuer });
  };

  const verifyChannel = diagnosticsChannel.tracingChannel<unknown, VerifyTraceContext>(
    TRACING_CHANNELS.verify,
  );
  const discoveryChannel = diagnosticsChannel.tracingChannel<unknown, DiscoveryTraceContext>(
    TRACING_CHANNELS.discovery,
  );
  const jwksChannel = diagnosticsChannel.tracingChannel<unknown, JwksTraceContext>(TRACING_CHANNELS.jwks);
  const staleChannel = diagnosticsChannel.channel(TRACING_CHANNELS.jwksStaleServed);

  // The verification's span becomes the store of everything tokenward does on its behalf.
  verifyChannel.start.bindStore(currentVerification, (operation) =>
    verifySpan(operation as VerifyTraceContext),
  );
  verifyChannel.subscribe(verify);
  discoveryChannel.subscribe(discovery);
  jwksChannel.subscribe(jwks);
  staleChannel.subscribe(staleServed);

  return {
    disable() {
      verifyChannel.start.unbindStore(currentVerification);
      verifyChannel.unsubscribe(verify);
      discoveryChannel.unsubscribe(discovery);
      jwksChannel.unsubscribe(jwks);
      staleChannel.unsubscribe(staleServed);
    },
  };
}

/**
 * The TracingChannel handlers of one kind of operation: the span starts at `start` and ends at
 * `end` when the operation answered synchronously (its outcome is known then), else at `asyncEnd`.
 */
function lifecycle<Context extends Operation>(
  spanFor: (operation: Context) => Span,
  spans: WeakMap<object, Span>,
  record: (span: Span, operation: Context) => void,
): Handlers<Context> {
  const finish = (operation: Context) => {
    const span = spans.get(operation);
    if (span === undefined) return;
    spans.delete(operation);
    record(span, operation);
    if (operation.outcome !== 'ok') {
      // The code only: messages may quote values read from the token.
      span.setStatus({ code: SpanStatusCode.ERROR, message: operation.outcome });
    }
    span.end();
  };
  return {
    start: (operation) => {
      spanFor(operation);
    },
    end: (operation) => {
      if (operation.outcome !== undefined) finish(operation);
    },
    asyncStart: () => {},
    asyncEnd: finish,
    error: () => {},
  };
}

function createInstruments(meter: Meter) {
  return {
    verifications: meter.createCounter(METRICS.verifications, {
      description: 'Token verifications, by outcome',
    }),
    verificationDuration: meter.createHistogram(METRICS.verificationDuration, {
      description: 'Time to verify a token',
      unit: 'ms',
    }),
    jwksFetches: meter.createCounter(METRICS.jwksFetches, { description: 'JWK Set fetches, by outcome' }),
    discoveryFetches: meter.createCounter(METRICS.discoveryFetches, {
      description: 'Discovery document fetches, by outcome',
    }),
    jwksStaleServed: meter.createCounter(METRICS.jwksStaleServed, {
      description: 'Verifications served by a stale key set while refreshing it failed',
    }),
  };
}

/** `attributes` without its undefined members (OpenTelemetry drops them with a warning). */
function defined(attributes: Record<string, string | number | boolean | undefined>): Attributes {
  const kept: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) kept[key] = value;
  return kept;
}
