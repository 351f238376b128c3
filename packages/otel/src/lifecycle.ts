/**
 * How one kind of tokenward operation becomes a span: started when the operation starts, ended
 * when its outcome is known (at `end` for an operation that answered synchronously, else at
 * `asyncEnd`), marked `ERROR` with the code (never the message) when it failed.
 */
import { type Attributes, type Span, SpanStatusCode } from '@opentelemetry/api';
import type { TraceOutcome } from '@tokenward/core';

/** What every published operation context has. */
export interface Operation {
  readonly startedAt: number;
  readonly durationMs: number | undefined;
  readonly outcome: TraceOutcome;
}

export type Handlers<Context> = {
  start(context: Context): void;
  end(context: Context): void;
  asyncStart(context: Context): void;
  asyncEnd(context: Context): void;
  error(context: Context): void;
};

/**
 * The TracingChannel handlers of one kind of operation: `spanFor` starts (or finds) its span,
 * `record` sets its final attributes and metric points before it ends.
 */
export function lifecycle<Context extends Operation>(
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

/** `attributes` without its undefined members (OpenTelemetry drops them with a warning). */
export function defined(attributes: Record<string, string | number | boolean | undefined>): Attributes {
  const kept: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) kept[key] = value;
  return kept;
}
