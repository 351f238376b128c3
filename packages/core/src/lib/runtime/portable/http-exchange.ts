/** The methods the transports send: GET for key material, POST for introspection. */
export type ExchangeMethod = 'GET' | 'POST';

/**
 * What both transports share about one exchange: a single deadline for the whole of it,
 * enforced by aborting, and the errors it ends with. Web-standard only (`AbortController`,
 * `setTimeout`), so the fetch transport can use it in browsers.
 */
import { TransportError } from '../../../runtime.js';

export interface ExchangeDeadline {
  /** Aborted with a `timeout` `TransportError` when the deadline passes, or by the caller with its own reason. */
  readonly controller: AbortController;
  /**
   * Rejects with the abort reason once the controller aborts. Racing each await against it also
   * bounds a step that ignores the signal: an injected `fetch` that never looks at it, or an
   * undici connect that hangs before undici acts on the abort.
   */
  readonly aborted: Promise<never>;
  /** Stops the timer; call once the exchange is over, however it ended. */
  clear(): void;
}

export function startDeadline(method: ExchangeMethod, url: string, timeoutMs: number): ExchangeDeadline {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(
      new TransportError('timeout', `${method} ${url} did not complete within ${timeoutMs} ms`),
    );
  }, timeoutMs);
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  return { controller, aborted, clear: () => clearTimeout(timer) };
}

export function tooLargeError(method: ExchangeMethod, url: string, maxBytes: number): TransportError {
  return new TransportError('too_large', `${method} ${url} answered with more than ${maxBytes} bytes`);
}

/**
 * The `TransportError` an exchange already ended with: thrown as is, or the reason it was
 * aborted for (a fetch rejects with its own `AbortError`; the reason we set says why).
 */
export function knownTransportError(error: unknown, signal: AbortSignal): TransportError | undefined {
  if (error instanceof TransportError) return error;
  if (signal.aborted && signal.reason instanceof TransportError) return signal.reason;
  return undefined;
}

export function networkError(method: ExchangeMethod, url: string, error: unknown): TransportError {
  return new TransportError('network', `${method} ${url} failed: ${errorDetail(error)}`, { cause: error });
}

export function errorDetail(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
