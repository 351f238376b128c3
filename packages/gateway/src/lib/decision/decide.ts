/**
 * One decision: normalise the path, find the first rule, and (unless the rule is public) check
 * the token through core, within the decision deadline. Everything a proxy needs to answer is in
 * the returned value.
 */
import { type AccessTokenResult, isCorsPreflight, isTokenwardError, TokenwardError } from '@tokenward/core';
import type { LoadedPolicy, LoadedRule } from '../policy/load.js';
import { methodOverrides } from '../request/method-override.js';
import type { OriginalRequest } from '../request/original-request.js';
import { hostOfAuthority } from '../routing/host.js';
import { normalizePath } from '../routing/path.js';
import { ruleForEveryReading } from '../routing/readings.js';
import { authenticate } from './authenticate.js';
import { type Deadline, LATE, lateDecision, startDeadline } from './deadline.js';

/** The outcome: allowed (with the verified token, when one was checked) or refused with its error. */
export type Decision =
  | {
      readonly allowed: true;
      readonly rule: string;
      readonly token: AccessTokenResult | undefined;
      /** Headers for the client: a fresh `DPoP-Nonce` (RFC 9449 section 8.2) with its `Cache-Control`. */
      readonly responseHeaders?: Readonly<Record<string, string>>;
    }
  | { readonly allowed: false; readonly rule: string | undefined; readonly error: TokenwardError };

/**
 * Decides on `request` under `policy`, refusing with 503 when checking the token takes longer than
 * `timeout` seconds. Rejects only on a failure that is not a `TokenwardError`.
 */
export async function decide(
  policy: LoadedPolicy,
  request: OriginalRequest,
  timeout: number,
): Promise<Decision> {
  const path = normalizePath(request.target);
  if (!path.ok) {
    const reason = `the request path is refused: ${path.reason}`;
    return refuse(undefined, new TokenwardError('ERR_INVALID_REQUEST', reason, realmOf(policy)));
  }
  // A CORS preflight carries no credentials (Fetch standard): it is routed by the method it
  // announces, core's request step lets it through without credentials, and the upstream answers it.
  const preflight = isCorsPreflight(request);
  const announced = preflight ? requestedMethod(request) : undefined;
  const method = announced ?? request.method;
  const host = hostOfAuthority(request.authority ?? '');
  const overrides = methodOverrides(request.headers, request.target);
  const lookup = ruleForEveryReading(policy.rules, { method, host, overrides, ...path });
  if (!lookup.ok) {
    const reason = `the request is refused: ${lookup.reason}`;
    return refuse(undefined, new TokenwardError('ERR_INVALID_REQUEST', reason, realmOf(policy)));
  }
  const { rule } = lookup;
  if (rule === undefined) {
    const where = `${method} ${path.path}`;
    return refuse(
      undefined,
      new TokenwardError('ERR_POLICY_DENIED', `no policy rule admits ${where}`, realmOf(policy)),
    );
  }
  if (rule.access.kind === 'none') return { allowed: true, rule: rule.label, token: undefined };
  const deadline = startDeadline(timeout);
  try {
    return await checkToken(rule, request, deadline);
  } finally {
    deadline.stop();
  }
}

async function checkToken(rule: LoadedRule, request: OriginalRequest, deadline: Deadline): Promise<Decision> {
  if (rule.access.kind !== 'token') throw new Error('checkToken needs a token rule');
  const failures: TokenwardError[] = [];
  for (const [index, alternative] of rule.access.alternatives.entries()) {
    const { verifier } = rule.verifiers[index]!;
    try {
      const answer = authenticate(verifier, request, alternative.requirements);
      // Only waiting can outlast the deadline: an answer ready now sets no timer.
      const outcome = answer instanceof Promise ? await deadline.race(answer) : answer;
      // The rest of the decision is abandoned: the proxy gets the outage answer while it still waits.
      if (outcome === LATE) return refuse(rule.label, lateDecision(verifier, deadline.seconds));
      // Credentials are required, so the outcome is a verified token or a preflight (no token).
      if (outcome.kind !== 'authenticated') return { allowed: true, rule: rule.label, token: undefined };
      return {
        allowed: true,
        rule: rule.label,
        token: outcome.auth,
        responseHeaders: outcome.responseHeaders,
      };
    } catch (error) {
      if (!isTokenwardError(error)) throw error;
      // A missing or malformed credential fails every alternative the same way.
      if (error.code === 'ERR_TOKEN_MISSING' || error.code === 'ERR_INVALID_REQUEST')
        return refuse(rule.label, error);
      failures.push(error);
    }
  }
  return refuse(rule.label, mostTelling(failures));
}

/**
 * Of several alternatives' failures, the one a client can act on: "cannot verify now" (503) first,
 * then a missing scope (403), then a token problem, and "not this issuer" last, since with
 * alternatives of different issuers every token fails all but one of them that way.
 */
function mostTelling(failures: readonly TokenwardError[]): TokenwardError {
  const rank = (error: TokenwardError) =>
    error.status === 503 ? 0 : error.status === 403 ? 1 : error.code === 'ERR_ISSUER_MISMATCH' ? 3 : 2;
  return failures.reduce((best, error) => (rank(error) < rank(best) ? error : best));
}

function requestedMethod(request: OriginalRequest): string | undefined {
  const value = request.headers['access-control-request-method'];
  return typeof value === 'string' ? value.trim() : undefined;
}

function realmOf(policy: LoadedPolicy) {
  return policy.definition.realm === undefined ? {} : { realm: policy.definition.realm };
}

function refuse(rule: string | undefined, error: TokenwardError): Decision {
  return { allowed: false, rule, error };
}
