/**
 * The tracing seam: the few members of `diagnostics_channel` tokenward uses, built from whichever
 * copy of the module the runtime has (imported on Node; `process.getBuiltinModule` elsewhere), and
 * the one way an operation is published (TracingChannel protocol, without `context.result`, which
 * would hand the verified token to every subscriber).
 */
import { isTokenwardError } from '../../errors.js';
import { TRACING_CHANNELS, type TraceOutcome } from '../../tracing.js';

interface Publisher {
  readonly hasSubscribers: boolean;
  publish(message: unknown): void;
  /** Runs `fn` inside the stores bound to this channel (Node ≥ 19.9), so work it starts is parented. */
  runStores?<T>(message: unknown, fn: () => T): T;
}

export interface TraceChannel {
  readonly start: Publisher;
  readonly end: Publisher;
  readonly asyncStart: Publisher;
  readonly asyncEnd: Publisher;
  readonly error: Publisher;
}

export interface Tracing {
  readonly verify: TraceChannel;
  readonly discovery: TraceChannel;
  readonly jwks: TraceChannel;
  readonly jwksStaleServed: Publisher;
  readonly introspect: TraceChannel;
  readonly dpopReplay: TraceChannel;
}

/** The members of `node:diagnostics_channel` read here. */
export interface DiagnosticsChannelModule {
  channel(name: string): Publisher;
  tracingChannel(name: string): TraceChannel;
}

export function tracingFrom(module: DiagnosticsChannelModule): Tracing {
  return {
    verify: module.tracingChannel(TRACING_CHANNELS.verify),
    discovery: module.tracingChannel(TRACING_CHANNELS.discovery),
    jwks: module.tracingChannel(TRACING_CHANNELS.jwks),
    jwksStaleServed: module.channel(TRACING_CHANNELS.jwksStaleServed),
    introspect: module.tracingChannel(TRACING_CHANNELS.introspect),
    dpopReplay: module.tracingChannel(TRACING_CHANNELS.dpopReplay),
  };
}

/** True when anything listens to any event of `channel` (checked per call: subscribers come and go). */
export function isTraced(channel: TraceChannel | undefined): channel is TraceChannel {
  return (
    channel !== undefined &&
    (channel.start.hasSubscribers ||
      channel.end.hasSubscribers ||
      channel.asyncStart.hasSubscribers ||
      channel.asyncEnd.hasSubscribers ||
      channel.error.hasSubscribers)
  );
}

/** The context members every operation has; the operation adds its own. */
export interface Timed {
  readonly startedAt: number;
  durationMs: number | undefined;
  outcome: TraceOutcome;
  error?: unknown;
}

/**
 * Runs `work` as one published operation. `finish` fills the context from the result just before
 * the closing events; a failure sets `outcome` (the code), `error` and the duration itself.
 */
export function traceOperation<Context extends Timed, Result>(
  channel: TraceChannel,
  context: Context,
  work: () => Result | Promise<Result>,
  finish: (context: Context, result: Result) => void,
): Result | Promise<Result> {
  const succeed = (result: Result): void => {
    finish(context, result);
    context.outcome = 'ok';
    context.durationMs = performance.now() - context.startedAt;
  };
  const fail = (error: unknown): void => {
    context.outcome = isTokenwardError(error) ? error.code : 'error';
    context.error = error;
    context.durationMs = performance.now() - context.startedAt;
    channel.error.publish(context);
  };
  const run = (): Result | Promise<Result> => {
    let outcome: Result | Promise<Result>;
    try {
      outcome = work();
    } catch (error) {
      fail(error);
      channel.end.publish(context);
      throw error;
    }
    if (!(outcome instanceof Promise)) {
      succeed(outcome);
      channel.end.publish(context);
      return outcome;
    }
    channel.end.publish(context);
    return outcome.then(
      (result) => {
        succeed(result);
        channel.asyncStart.publish(context);
        channel.asyncEnd.publish(context);
        return result;
      },
      (error: unknown) => {
        fail(error);
        channel.asyncStart.publish(context);
        channel.asyncEnd.publish(context);
        throw error;
      },
    );
  };
  const { start } = channel;
  if (start.runStores !== undefined) return start.runStores(context, run);
  start.publish(context);
  return run();
}
