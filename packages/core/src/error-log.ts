import type { TokenwardError } from './errors.js';

/** Causes followed when describing an error, so a cycle or a deep chain stays one short line. */
const MAX_CAUSES = 3;

/**
 * The one log line for an answered error, without a stack trace:
 * `401 ERR_TOKEN_EXPIRED: <message>`; a 5xx adds its causes (`; cause: connect ECONNREFUSED ...`),
 * the detail its answer never shows the client.
 * @example logger.warn(`${req.method} ${req.url} ${errorLogLine(error)}`)
 */
export function errorLogLine(error: TokenwardError): string {
  let line = `${error.status} ${error.code}: ${error.message}`;
  if (error.status < 500) return line;
  let cause: unknown = error.cause;
  for (let depth = 0; depth < MAX_CAUSES && cause instanceof Error; depth += 1) {
    // A message that already quotes its cause is not repeated: each detail once.
    if (!line.includes(cause.message)) line += `; cause: ${cause.message}`;
    cause = cause.cause;
  }
  return line;
}
