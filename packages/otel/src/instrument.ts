/**
 * Subscribes to tokenward's tracing channels and turns each operation into a span and a metric
 * point. A verification's span is the child of whatever span is active where `verify` was called
 * (an HTTP request's, typically); the discovery and key-set fetches, introspections and DPoP
 * replay checks it causes become its children, through a store bound to the verify channel's
 * `start` (tokenward runs each verification inside those stores).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import diagnosticsChannel from 'node:diagnostics_channel';
import {
  type Attributes,
  context,
  type MeterProvider,
  metrics,
  type Span,
  SpanKind,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import {
  type DiscoveryTraceContext,
  type DpopReplayTraceContext,
  type IntrospectTraceContext,
  type JwksTraceContext,
  type StaleServedMessage,
  TRACING_CHANNELS,
  type VerifyTraceContext,
} from '@tokenward/core';
import { createInstruments } from './instruments.js';
import { defined, type Handlers, lifecycle, type Operation } from './lifecycle.js';
import { ATTRIBUTES, SPANS } from './names.js';

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
  const childOfVerification = (name: string, kind: SpanKind, attributes: Attributes): Span => {
    const parent = currentVerification.getStore();
    const parentContext = parent === undefined ? context.active() : trace.setSpan(context.active(), parent);
    return tracer.startSpan(name, { kind, attributes }, parentContext);
  };
  /** Handlers whose span is a child of the current verification, started with `attributes`. */
  const childLifecycle = <Context extends Operation>(
    name: string,
    kind: SpanKind,
    attributes: (operation: Context) => Attributes,
    record: (span: Span, operation: Context) => void,
  ): Handlers<Context> =>
    lifecycle<Context>(
      (operation) => spanOf(operation, () => childOfVerification(name, kind, attributes(operation))),
      spans,
      record,
    );

  const verifySpan = (operation: VerifyTraceContext) =>
    spanOf(operation, () =>
      tracer.startSpan(SPANS.verify, {
        kind: SpanKind.INTERNAL,
        attributes: { [ATTRIBUTES.tokenKind]: operation.kind },
      }),
    );

  const verify = lifecycle<VerifyTraceContext>(verifySpan, spans, (span, operation) => {
    span.setAttributes(
      defined({
        [ATTRIBUTES.tokenKind]: operation.kind,
        [ATTRIBUTES.issuer]: operation.issuer,
        [ATTRIBUTES.kid]: operation.kid,
        [ATTRIBUTES.alg]: operation.alg,
        [ATTRIBUTES.cacheHit]: operation.cacheHit,
        [ATTRIBUTES.outcome]: operation.outcome,
      }),
    );
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

  const discovery = childLifecycle<DiscoveryTraceContext>(
    SPANS.discovery,
    SpanKind.CLIENT,
    (operation) => ({ [ATTRIBUTES.issuer]: operation.issuer }),
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

  const jwks = childLifecycle<JwksTraceContext>(
    SPANS.jwks,
    SpanKind.CLIENT,
    (operation) => ({
      [ATTRIBUTES.issuer]: operation.issuer,
      [ATTRIBUTES.url]: operation.url,
      [ATTRIBUTES.fetchReason]: operation.reason,
    }),
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

  const introspect = childLifecycle<IntrospectTraceContext>(
    SPANS.introspect,
    SpanKind.CLIENT,
    (operation) => ({ [ATTRIBUTES.issuer]: operation.issuer }),
    (span, operation) => {
      const dimensions = defined({
        [ATTRIBUTES.issuer]: operation.issuer,
        [ATTRIBUTES.cacheHit]: operation.cacheHit,
        [ATTRIBUTES.active]: operation.active,
        [ATTRIBUTES.outcome]: operation.outcome,
      });
      span.setAttributes({
        ...dimensions,
        ...defined({ [ATTRIBUTES.introspectionEndpoint]: operation.endpointOrigin }),
      });
      instruments.introspections.add(1, dimensions);
      if (operation.durationMs !== undefined)
        instruments.introspectionDuration.record(operation.durationMs, dimensions);
    },
  );

  const dpopReplay = childLifecycle<DpopReplayTraceContext>(
    SPANS.dpopReplay,
    SpanKind.INTERNAL,
    (operation) => ({ [ATTRIBUTES.replayStore]: operation.store }),
    (span, operation) => {
      const dimensions = defined({
        [ATTRIBUTES.replayStore]: operation.store,
        [ATTRIBUTES.replay]: operation.replay,
        [ATTRIBUTES.outcome]: operation.outcome,
      });
      span.setAttributes(dimensions);
      instruments.dpopReplayChecks.add(1, dimensions);
    },
  );

  const staleServed = (message: unknown) => {
    instruments.jwksStaleServed.add(1, { [ATTRIBUTES.issuer]: (message as StaleServedMessage).issuer });
  };

  const verifyChannel = diagnosticsChannel.tracingChannel<unknown, VerifyTraceContext>(
    TRACING_CHANNELS.verify,
  );
  const subscriptions = [
    [verifyChannel, verify],
    [diagnosticsChannel.tracingChannel(TRACING_CHANNELS.discovery), discovery],
    [diagnosticsChannel.tracingChannel(TRACING_CHANNELS.jwks), jwks],
    [diagnosticsChannel.tracingChannel(TRACING_CHANNELS.introspect), introspect],
    [diagnosticsChannel.tracingChannel(TRACING_CHANNELS.dpopReplay), dpopReplay],
  ] as const;
  const staleChannel = diagnosticsChannel.channel(TRACING_CHANNELS.jwksStaleServed);

  // The verification's span becomes the store of everything tokenward does on its behalf.
  verifyChannel.start.bindStore(currentVerification, (operation) =>
    verifySpan(operation as VerifyTraceContext),
  );
  for (const [channel, handlers] of subscriptions) channel.subscribe(handlers as Handlers<object>);
  staleChannel.subscribe(staleServed);

  return {
    disable() {
      verifyChannel.start.unbindStore(currentVerification);
      for (const [channel, handlers] of subscriptions) channel.unsubscribe(handlers as Handlers<object>);
      staleChannel.unsubscribe(staleServed);
    },
  };
}
