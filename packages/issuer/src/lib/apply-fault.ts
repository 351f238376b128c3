import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fault } from '../types.js';

/** Pending `delayMs` timers, cancelled when the issuer closes. */
export class DelayTimers {
  readonly #timers = new Set<NodeJS.Timeout>();

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.add(timer);
    });
  }

  cancelAll(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}

/** What is left for normal handling after a fault was applied. */
export type FaultOutcome = { handled: true } | { handled: false; issuerOverride: string | undefined };

const NEVER: Promise<never> = new Promise(() => {});

/**
 * Applies a fault in a fixed order: reset, delay, headers, redirect, canned response; a fault with
 * only `delayMs`, `headers`, `contentType` or `issuer` lets the endpoint answer normally afterwards.
 */
export async function applyFault(
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
  timers: DelayTimers,
): Promise<FaultOutcome> {
  if (fault.reset) {
    // A TCP RST, so the client sees ECONNRESET rather than a clean close.
    req.socket.resetAndDestroy();
    return { handled: true };
  }
  if (fault.delayMs === 'never') await NEVER;
  if (typeof fault.delayMs === 'number' && fault.delayMs > 0) await timers.wait(fault.delayMs);
  if (res.destroyed) return { handled: true };
  for (const [name, value] of Object.entries(fault.headers ?? {})) res.setHeader(name, value);
  if (fault.redirectTo !== undefined) {
    res.writeHead(302, { Location: fault.redirectTo, 'Content-Length': 0 });
    res.end();
    return { handled: true };
  }
  if (fault.contentType !== undefined) res.setHeader('Content-Type', fault.contentType);
  if (fault.status !== undefined || fault.body !== undefined) {
    const status = fault.status ?? 200;
    const body =
      fault.body ??
      JSON.stringify({ error: 'server_error', error_description: `Injected fault: HTTP ${status}` });
    res.writeHead(status, {
      'Content-Type': fault.contentType ?? 'application/json',
      'Content-Length': typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength,
    });
    res.end(body);
    return { handled: true };
  }
  return { handled: false, issuerOverride: fault.issuer };
}
