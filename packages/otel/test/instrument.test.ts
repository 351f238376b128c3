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
import { createAccessTokenVerifier, createIdTokenVerifier } from '@tokenward/core';
import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ATTRIBUTES,
  instrumentTokenward,
  METRICS,
  SPANS,
  type TokenwardInstrumentation,
} from '../src/index.js';

let org: ReferenceIssuer;
let def: AuthServer;
let spans: InMemorySpanExporter;
let tracerProvider: BasicTracerProvider;
let metricExporter: InMemoryMetricExporter;
let meterProvider: MeterProvider;
let instrumentation: TokenwardInstrumentation;
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(async () => {
  context.setGlobalContextManager(contextManager.enable());
  org = await startIssuer({ port: 0, servers: ['default'] });
  def = org.server('default');
});
afterAll(async () => {
  await org.close();
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

/** Runs `work` inside a span standing for the HTTP request an API is serving. */
async function inRequest<T>(work: () => Promise<T>): Promise<{ result: T; request: Span }> {
  const request = tracerProvider.getTracer('test').startSpan('GET /orders');
  const result = await context.with(trace.setSpan(context.active(), request), work);
  request.end();
  return { result, request };
}

const named = (name: string): ReadableSpan[] => spans.getFinishedSpans().filter((span) => span.name === name);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

/** Every exported metric point, as `{ name, attributes, value }` (sums and histogram counts). */
async function points(): Promise<
  Array<{ name: string; attributes: Record<string, unknown>; value: number }>
> {
  await meterProvider.forceFlush();
  return metricExporter.getMetrics().flatMap((resource) =>
    resource.scopeMetrics.flatMap((scope) =>
      scope.metrics.flatMap((metric) =>
        metric.dataPoints.map((point) => ({
          name: metric.descriptor.name,
          attributes: point.attributes,
          value: typeof point.value === 'number' ? point.value : (point.value as { count: number }).count,
        })),
      ),
    ),
  );
}

describe('@tokenward/otel', () => {
  it('nests verify under the request span and the fetches it causes under verify, with attributes', async () => {
    const verifier = createAccessTokenVerifier({ issuer: def.issuer, audience: def.audience });
    const token = await def.mintAccessToken({ sub: 'alice', scp: ['orders:read'] });
    const { request } = await inRequest(() => verifier.verify(token));

    const [verify] = named(SPANS.verify);
    const [discovery] = named(SPANS.discovery);
    const [jwks] = named(SPANS.jwks);
    expect(verify && discovery && jwks).toBeTruthy();
    expect(parentOf(verify!)).toBe(request.spanContext().spanId);
    expect(parentOf(discovery!)).toBe(verify!.spanContext().spanId);
    expect(parentOf(jwks!)).toBe(verify!.spanContext().spanId);
    expect(verify!.attributes).toMatchObject({
      [ATTRIBUTES.tokenKind]: 'access_token',
      [ATTRIBUTES.issuer]: def.issuer,
      [ATTRIBUTES.alg]: 'RS256',
      [ATTRIBUTES.kid]: expect.any(String),
      [ATTRIBUTES.cacheHit]: false,
      [ATTRIBUTES.outcome]: 'ok',
    });
    expect(jwks!.attributes).toMatchObject({
      [ATTRIBUTES.issuer]: def.issuer,
      [ATTRIBUTES.fetchReason]: 'initial',
      [ATTRIBUTES.keys]: expect.any(Number),
      [ATTRIBUTES.outcome]: 'ok',
    });
    expect(discovery!.attributes).toMatchObject({ [ATTRIBUTES.outcome]: 'ok' });
  });

  it('marks a failure with its code, and never records the token or its claims', async () => {
    const verifier = createAccessTokenVerifier({ issuer: def.issuer, audience: def.audience });
    const token = await def.mintAccessToken({ sub: 'alice-secret-subject' }, { audience: 'api://payments' });
    await inRequest(() => verifier.verify(token).catch(() => undefined));
    const [verify] = named(SPANS.verify);
    expect(verify!.status).toEqual({ code: 2, message: 'ERR_AUDIENCE_MISMATCH' });
    expect(verify!.attributes[ATTRIBUTES.outcome]).toBe('ERR_AUDIENCE_MISMATCH');
    const exported = JSON.stringify(
      spans.getFinishedSpans().map((span) => ({
        name: span.name,
        attributes: span.attributes,
        events: span.events,
        status: span.status,
      })),
    );
    for (const part of token.split('.')) expect(exported).not.toContain(part);
    expect(exported).not.toContain('alice-secret-subject');
    expect(exported).not.toContain('api://payments');
  });

  it('counts verifications by outcome and cache hit, key-set fetches, and ID tokens too', async () => {
    const verifier = createAccessTokenVerifier({ issuer: def.issuer, audience: def.audience });
    const token = await def.mintAccessToken();
    await verifier.verify(token);
    await verifier.verify(token);
    verifier.verifySync(token);
    await verifier.verify('not-a-jwt').catch(() => undefined);
    const idTokens = createIdTokenVerifier({ issuer: def.issuer, clientId: 'app' });
    await idTokens.verify(await def.mintIdToken({ sub: 'bob' }, { clientId: 'app' }));

    const all = await points();
    const verifications = all.filter((point) => point.name === METRICS.verifications);
    const count = (match: Record<string, unknown>) =>
      verifications
        .filter((point) => Object.entries(match).every(([key, value]) => point.attributes[key] === value))
        .reduce((sum, point) => sum + point.value, 0);
    expect(
      count({
        [ATTRIBUTES.tokenKind]: 'access_token',
        [ATTRIBUTES.outcome]: 'ok',
        [ATTRIBUTES.cacheHit]: false,
      }),
    ).toBe(1);
    expect(count({ [ATTRIBUTES.outcome]: 'ok', [ATTRIBUTES.cacheHit]: true })).toBe(2);
    expect(count({ [ATTRIBUTES.outcome]: 'ERR_TOKEN_MALFORMED' })).toBe(1);
    expect(count({ [ATTRIBUTES.tokenKind]: 'id_token', [ATTRIBUTES.outcome]: 'ok' })).toBe(1);
    const fetches = all.filter((point) => point.name === METRICS.jwksFetches);
    expect(fetches.reduce((sum, point) => sum + point.value, 0)).toBe(2);
    const durations = all.filter((point) => point.name === METRICS.verificationDuration);
    expect(durations.reduce((sum, point) => sum + point.value, 0)).toBe(5);
  });

  it('counts a stale key set serving while its refresh fails', async () => {
    let now = Date.now();
    const verifier = createAccessTokenVerifier({
      issuer: def.issuer,
      audience: def.audience,
      clock: () => now,
      resultCache: false,
    });
    const token = await def.mintAccessToken({}, { expiresIn: 3600 });
    await verifier.verify(token);
    org.setFault({ server: 'default', endpoint: 'jwks', status: 500 });
    try {
      now += 700_000;
      await verifier.verify(token);
    } finally {
      org.clearFaults();
    }
    const all = await points();
    expect(all.filter((point) => point.name === METRICS.jwksStaleServed)).toEqual([
      expect.objectContaining({ attributes: { [ATTRIBUTES.issuer]: def.issuer }, value: 1 }),
    ]);
    const failed = named(SPANS.jwks).filter(
      (span) => span.attributes[ATTRIBUTES.outcome] === 'ERR_JWKS_FETCH_FAILED',
    );
    expect(failed).toHaveLength(1);
  });

  it('stops producing anything once disabled', async () => {
    instrumentation.disable();
    const verifier = createAccessTokenVerifier({ issuer: def.issuer, audience: def.audience });
    await verifier.verify(await def.mintAccessToken());
    expect(spans.getFinishedSpans()).toEqual([]);
    expect((await points()).filter((point) => point.name === METRICS.verifications)).toEqual([]);
  });
});
