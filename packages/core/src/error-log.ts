import type { TokenwardError } from './errors.js';

/** Causes followed when describing an error, so a cycle or a deep chain stays one short line. */
const MAX_CAUSES = 3;

/**
 * Characters that would end the line or drive a terminal: C0 and C1 controls, DEL and the
 * Unicode line and paragraph separators. A cause may quote what an upstream answered (a JSON parse
 * error shows the start of the body), so a key set served with line breaks could otherwise forge
 * log lines of its own.
 */
const LINE_BREAKING = /[\p{Cc}\u2028\u2029]/gu;

const escapeCharacter = (char: string): string => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * The one log line for an answered error, without a stack trace:
 * `401 ERR_TOKEN_EXPIRED: <message>`; a 5xx adds its causes (`; cause: connect ECONNREFUSED ...`),
 * the detail its answer never shows the client. Control characters are written as `\u` escapes,
 * so the line stays one line whatever the causes quote.
 * @example logger.warn(`${req.method} ${req.url} ${errorLogLine(error)}`)
 */
export function errorLogLine(error: TokenwardError): string {
  let line = `${error.status} ${error.code}: ${error.message}`;
  if (error.status < 500) return line.replace(LINE_BREAKING, escapeCharacter);
  let cause: unknown = error.cause;
  for (let depth = 0; depth < MAX_CAUSES && cause instanceof Error; depth += 1) {
    // A message that already quotes its cause is not repeated: each detail once.
    if (!line.includes(cause.message)) line += `; cause: ${cause.message}`;
    cause = cause.cause;
  }
  return line.replace(LINE_BREAKING, escapeCharacter);
}
