/**
 * A decision as the HTTP answer a proxy relays: 200 with identity headers, or the refusal's
 * status, `WWW-Authenticate` (and `Retry-After`) and the JSON body the middleware sends.
 */
import type { TokenwardError } from '@tokenward/core';
import type { IdentityHeaderNames } from '../policy/model.js';
import type { Decision } from './decide.js';
import { identityHeaders } from './identity.js';

/** The JSON body of a refusal: `{ error, error_description, code }`, as the middleware sends it. */
export interface RefusalBody {
  /** OAuth error name (RFC 6750 §3.1); absent when there is none (no token, a policy refusal). */
  readonly error?: string;
  readonly error_description: string;
  /** Stable tokenward code, e.g. `ERR_INSUFFICIENT_SCOPE`. */
  readonly code: string;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** JSON text for refusals; none for allowed requests. */
  readonly body: string | undefined;
}

// 5xx answers show no internals (URLs, network text): the detail goes to the log and metrics.
const UNAVAILABLE = 'the token cannot be verified right now; try again later (the token may be fine)';

export function refusalBody(error: TokenwardError): RefusalBody {
  const description = error.status === 503 ? UNAVAILABLE : error.message;
  return error.oauthError === undefined
    ? { error_description: description, code: error.code }
    : { error: error.oauthError, error_description: description, code: error.code };
}

/** The HTTP answer to a decision. */
export function httpAnswer(decision: Decision, names: IdentityHeaderNames): HttpAnswer {
  if (decision.allowed) {
    const headers = decision.token === undefined ? {} : identityHeaders(names, decision.token);
    return { status: 200, headers, body: undefined };
  }
  const { error } = decision;
  return {
    status: error.status,
    headers: { ...error.headers, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
    body: JSON.stringify(refusalBody(error)),
  };
}
