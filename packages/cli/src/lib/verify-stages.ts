/**
 * The checks `tokenward verify` reports, in the order core's access-token pipeline runs them
 * (cheapest first: shape, header, issuer, key, signature, claims, time, audience, type, the
 * token's binding, how it was presented (DPoP), scopes),
 * and which check a failure code stopped at. Checks before it passed; checks after it never ran.
 */
import type { ErrorCode } from '@tokenward/core';
import type { CheckStatus } from './output.js';
import type { TokenBinding } from './token-binding.js';

export type StageName =
  | 'format'
  | 'header'
  | 'issuer'
  | 'key'
  | 'signature'
  | 'claims'
  | 'time'
  | 'audience'
  | 'type'
  | 'binding'
  | 'dpop'
  | 'scopes'
  | 'active';

interface Stage {
  readonly name: StageName;
  /** What passing this check establishes. */
  readonly passed: string;
}

const STAGES: readonly Stage[] = [
  { name: 'format', passed: 'a signed JWT (JWS) within the size limit' },
  { name: 'header', passed: 'algorithm on the allow-list, no unsupported extensions' },
  { name: 'issuer', passed: 'iss is exactly the configured issuer' },
  { name: 'key', passed: "the signing key is in the issuer's published key set" },
  { name: 'signature', passed: 'signature verified' },
  { name: 'claims', passed: 'exp, sub and aud present, registered claims well-typed' },
  { name: 'time', passed: 'within its lifetime (exp, nbf, iat)' },
  { name: 'audience', passed: 'aud names this API' },
  { name: 'type', passed: 'an access token, not an ID token' },
  { name: 'binding', passed: 'cnf names no binding this API cannot check' },
  { name: 'dpop', passed: 'the DPoP proof fits this method, URL and token, signed by the cnf.jkt key' },
  { name: 'scopes', passed: 'every required scope granted' },
];

/** `--introspect`: the issuer vouched for the token (RFC 7662). */
const ACTIVE: Stage = { name: 'active', passed: 'the issuer says the token is active (introspection)' };

/**
 * Checks only a JWT goes through: an opaque token has no header, key or signature, and its
 * binding is in the issuer's answer, which the verifier judges together with the proof (`dpop`).
 */
const JWT_ONLY: ReadonlySet<StageName> = new Set(['header', 'key', 'signature', 'binding']);

/**
 * The checks in the order they run. A JWT's local checks end with its own binding; with
 * `--introspect` the issuer is asked next, before how the token was presented and the scopes are
 * judged (a revoked token is refused as such). An opaque token is introspected first, and the
 * answer then held to the same claim checks.
 */
function stagesFor(introspection: 'jwt' | 'opaque' | undefined): readonly Stage[] {
  if (introspection === undefined) return STAGES;
  if (introspection === 'jwt') {
    const asked = STAGES.findIndex((stage) => stage.name === 'binding') + 1;
    return [...STAGES.slice(0, asked), ACTIVE, ...STAGES.slice(asked)];
  }
  const [format, ...rest] = STAGES.filter((stage) => !JWT_ONLY.has(stage.name));
  return [{ ...format!, passed: 'an opaque token within the size limit' }, ACTIVE, ...rest];
}

/** What a passed `binding` check established, by what the token's `cnf` names. */
const BINDING_PASSED: Partial<Record<TokenBinding, string>> = {
  none: 'no cnf: bound to no key or certificate, a bearer token',
  key: 'bound to a DPoP key (cnf.jkt): only a proof by that key admits it',
};

/**
 * The check a refusal of the token's binding belongs to: a JWT bound by a method the verifier
 * cannot check (a client certificate, RFC 8705 section 3) is refused with its own claims, before
 * anything is asked; every other binding refusal is about how it was presented.
 */
function bindingStage(binding: TokenBinding | undefined): StageName {
  return binding === 'certificate' || binding === 'other' ? 'binding' : 'dpop';
}

const STAGE_OF_CODE: Partial<Record<ErrorCode, StageName>> = {
  ERR_TOKEN_MALFORMED: 'format',
  ERR_TOKEN_TOO_LARGE: 'format',
  ERR_ALG_NOT_ALLOWED: 'header',
  ERR_CRIT_UNSUPPORTED: 'header',
  ERR_ISSUER_MISMATCH: 'issuer',
  ERR_ORG_SERVER_TOKEN: 'issuer',
  ERR_KEY_NOT_FOUND: 'key',
  ERR_DISCOVERY_FAILED: 'key',
  ERR_DISCOVERY_ISSUER_MISMATCH: 'key',
  ERR_JWKS_FETCH_FAILED: 'key',
  ERR_JWKS_INVALID: 'key',
  ERR_SIGNATURE_INVALID: 'signature',
  ERR_CLAIM_MISSING: 'claims',
  ERR_CLAIM_INVALID: 'claims',
  ERR_TOKEN_EXPIRED: 'time',
  ERR_TOKEN_NOT_YET_VALID: 'time',
  ERR_AUDIENCE_MISMATCH: 'audience',
  ERR_TYPE_INVALID: 'type',
  ERR_DPOP_PROOF_INVALID: 'dpop',
  ERR_DPOP_NONCE_REQUIRED: 'dpop',
  ERR_DPOP_BINDING_MISMATCH: 'dpop',
  ERR_DPOP_REPLAYED: 'dpop',
  ERR_REPLAY_STORE_UNAVAILABLE: 'dpop',
  ERR_INSUFFICIENT_SCOPE: 'scopes',
  ERR_TOKEN_INACTIVE: 'active',
  ERR_INTROSPECTION_FAILED: 'active',
};

export interface StageResult {
  readonly name: StageName;
  readonly status: CheckStatus;
  readonly detail: string;
}

/**
 * Where `name` is in `stages`. An opaque token has no key check: a failed discovery, which
 * precedes its introspection, stopped it at `active`.
 */
function stageIndex(stages: readonly Stage[], name: StageName): number {
  const index = stages.findIndex((stage) => stage.name === name);
  return index === -1 ? stages.findIndex((stage) => stage.name === 'active') : index;
}

/**
 * Every check's outcome. `failure` is undefined for a valid token. `issMissing` tells a missing or
 * non-string `iss` (refused while routing to an issuer) from other claim failures; `introspection`
 * says whether the issuer was asked about a JWT or an opaque token; `binding` is what a JWT's
 * `cnf` names.
 */
export function stageResults(
  failure: { readonly code: ErrorCode; readonly message: string } | undefined,
  options: {
    readonly issMissing: boolean;
    readonly scopesRequired: boolean;
    readonly introspection?: 'jwt' | 'opaque' | undefined;
    readonly dpopProof?: boolean;
    readonly binding?: TokenBinding | undefined;
  },
): StageResult[] {
  const stages = stagesFor(options.introspection);
  let failed: StageName | undefined;
  if (failure !== undefined) {
    const claimCode = failure.code === 'ERR_CLAIM_MISSING' || failure.code === 'ERR_CLAIM_INVALID';
    const issMissing = options.issMissing && options.introspection !== 'opaque';
    if (claimCode && issMissing) failed = 'issuer';
    else if (failure.code === 'ERR_DPOP_BINDING_MISMATCH' && options.introspection !== 'opaque') {
      failed = bindingStage(options.binding);
    } else failed = STAGE_OF_CODE[failure.code] ?? 'claims';
  }
  const failedAt = failed === undefined ? stages.length : stageIndex(stages, failed);
  return stages.map((stage, index) => {
    if (index < failedAt) {
      const binding = options.binding === undefined ? undefined : BINDING_PASSED[options.binding];
      if (stage.name === 'binding' && binding !== undefined) {
        return { name: stage.name, status: 'pass', detail: binding };
      }
      if (stage.name === 'dpop' && options.dpopProof !== true) {
        return {
          name: stage.name,
          status: 'pass',
          detail: 'not DPoP-bound (no cnf.jkt), so no proof needed',
        };
      }
      const skipped = stage.name === 'scopes' && !options.scopesRequired;
      return {
        name: stage.name,
        status: skipped ? 'skip' : 'pass',
        detail: skipped ? 'none required' : stage.passed,
      };
    }
    if (index === failedAt) return { name: stage.name, status: 'fail', detail: failure?.message ?? '' };
    return { name: stage.name, status: 'skip', detail: 'not checked' };
  });
}
