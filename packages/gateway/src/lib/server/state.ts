/** The running gateway as its servers see it, and the one way every server makes a decision. */
import { isTokenwardError, TokenwardError } from '@tokenward/core';
import { type Decision, decide } from '../decision/decide.js';
import type { LoadedPolicy } from '../policy/load.js';
import type { OriginalRequest } from '../request/original-request.js';
import type { DecisionVia, GatewayMetrics } from './metrics.js';

/** What the endpoints read from the running gateway. */
export interface AuthorizerState {
  policy(): LoadedPolicy;
  ready(): boolean;
  draining(): boolean;
  readonly metrics: GatewayMetrics;
  /** Path prefix of Envoy's HTTP `ext_authz` calls, e.g. `/envoy`. */
  readonly envoyPrefix: string;
  /** Seconds a decision may take before it is answered 503 (`decisionTimeout`). */
  readonly decisionTimeout: number;
  log(line: string): void;
}

/**
 * Makes one decision, records it, and writes one log line when it is a refusal; a failure that is
 * not a refusal becomes a 500 decision (its body says only that the authorizer is misconfigured:
 * a 5xx shows no internals; the line says what went wrong).
 */
export async function decideAndRecord(
  state: AuthorizerState,
  via: DecisionVia,
  describe: () => OriginalRequest,
): Promise<Decision> {
  const started = performance.now();
  let request: OriginalRequest | undefined;
  let decision: Decision;
  try {
    request = describe();
    decision = await decide(state.policy(), request, state.decisionTimeout);
  } catch (error) {
    const refusal = isTokenwardError(error)
      ? error
      : new TokenwardError('ERR_CONFIG', `the authorizer failed unexpectedly: ${String(error)}`, {
          cause: error,
        });
    decision = { allowed: false, rule: undefined, error: refusal };
  }
  state.metrics.recordDecision(decision, via, (performance.now() - started) / 1000);
  if (!decision.allowed) state.log(refusalLine(via, request, decision));
  return decision;
}

/**
 * `refused <via> <METHOD> "<path>" <status> <code> [rule <label>]: <message>`. The path is
 * quoted with its escapes and without the query (which may carry an access_token), so nothing a
 * client sent can start a line of its own or put a token in the log.
 */
function refusalLine(
  via: DecisionVia,
  request: OriginalRequest | undefined,
  decision: Extract<Decision, { allowed: false }>,
): string {
  const { error, rule } = decision;
  const what =
    request === undefined
      ? '(request not described)'
      : `${quoted(request.method, 32)} ${quoted(request.target.split(/[?#]/, 1)[0] ?? '', 200)}`;
  const where = rule === undefined ? '' : ` rule ${quoted(rule, 200)}`;
  return `refused ${via} ${what} ${error.status} ${error.code}${where}: ${oneLine(error.message)}`;
}

function quoted(text: string, limit: number): string {
  return `"${oneLine(text.length > limit ? `${text.slice(0, limit)}...` : text).replace(/"/g, '\\"')}"`;
}

/** `text` with control characters, line separators and backslashes as `\uXXXX` escapes. */
function oneLine(text: string): string {
  let line = '';
  for (const character of text) {
    const code = character.charCodeAt(0);
    const escaped =
      code < 0x20 ||
      (code >= 0x7f && code <= 0x9f) ||
      code === 0x2028 ||
      code === 0x2029 ||
      character === '\\';
    line += escaped ? `\\u${code.toString(16).padStart(4, '0')}` : character;
  }
  return line;
}
