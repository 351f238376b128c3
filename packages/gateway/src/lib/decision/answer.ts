/**
 * A decision as the HTTP answer a proxy relays: 200 with identity headers, or the refusal's
 * status, `WWW-Authenticate` (and `Retry-After`) and the JSON body the middleware sends.
 */
import type { ErrorResponseBody } from '@tokenward/core';
import type { IdentityHeaderNames } from '../policy/model.js';
import type { Decision } from './decide.js';
import { identityHeaders } from './identity.js';

/** The JSON body of a refusal, `{ error, error_description, code }`: core's, as the middleware sends it. */
export type RefusalBody = ErrorResponseBody;

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** JSON text for refusals; none for allowed requests. */
  readonly body: string | undefined;
}

/** The HTTP answer to a decision. */
export function httpAnswer(decision: Decision, names: IdentityHeaderNames): HttpAnswer {
  if (decision.allowed) {
    const identity = decision.token === undefined ? {} : identityHeaders(names, decision.token);
    // A fresh DPoP-Nonce, for the proxies whose recipe copies it to the client's answer.
    return { status: 200, headers: { ...identity, ...decision.responseHeaders }, body: undefined };
  }
  const { error } = decision;
  return {
    status: error.status,
    headers: { ...error.headers, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
    // Core's body, the middleware's: a 5xx shows no internals (URLs, network text); the detail
    // goes to the log and metrics.
    body: JSON.stringify(error.body),
  };
}
