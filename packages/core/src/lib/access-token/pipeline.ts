/**
 * The access-token checks in order, cheapest first, so a token that fails cheaply never costs a
 * signature check or a fetch: size and shape, header policy, issuer routing (no I/O), key lookup
 * (synchronous when the key is cached), signature, then claims and type. The answer is
 * synchronous whenever the key is cached and the signature primitive is synchronous.
 */
import { TokenwardError } from '../../errors.js';
import type { Runtime, VerificationKey } from '../../runtime.js';
import { scopesOf } from '../../scopes.js';
import type { AccessTokenClaims, AccessTokenResult, JwtHeader } from '../../types.js';
import {
  audienceList,
  checkAccessTokenType,
  checkAudience,
  checkClaimTypes,
  checkRequiredClaims,
  checkTimes,
} from '../checks/claims.js';
import { createIssuerRouter } from '../checks/issuer-routing.js';
import type { IssuerKeys } from '../keys/issuer-keys.js';
import type { ResolvedIssuer, ResolvedVerifierOptions } from '../options/resolve.js';
import { deepFreeze } from '../token/deep-freeze.js';
import {
  checkAlgorithm,
  checkHeaderPolicy,
  type DecodedJwt,
  decodeJwt,
  verifySignature,
} from '../token/jwt.js';
import { createResultCache } from './result-cache.js';

/** A configured issuer with its keys. */
export interface VerifyTarget extends ResolvedIssuer {
  readonly keys: IssuerKeys;
}

/** Filled in as soon as the token's issuer is known, for the failure event. */
export interface VerifyTrace {
  issuer: string | undefined;
}

export type AccessTokenPipeline = (
  token: unknown,
  trace: VerifyTrace,
) => AccessTokenResult | Promise<AccessTokenResult>;

export function createAccessTokenPipeline(
  settings: ResolvedVerifierOptions,
  targets: readonly VerifyTarget[],
  { signatures, codec }: Pick<Runtime, 'signatures' | 'codec'>,
): AccessTokenPipeline {
  const route = createIssuerRouter(targets, settings.orgServerRules);
  const cache =
    settings.resultCacheMax > 0 ? createResultCache<AccessTokenResult>(settings.resultCacheMax) : undefined;
  const timePolicy = { clockTolerance: settings.clockTolerance, maxTokenAge: settings.maxTokenAge };

  function checkSignature(
    token: string,
    jwt: DecodedJwt,
    target: VerifyTarget,
    key: VerificationKey,
  ): AccessTokenResult | Promise<AccessTokenResult> {
    // The generation of the key set the key came from, read before any await can replace it.
    const generation = target.keys.generation;
    const valid = verifySignature(signatures, jwt, key);
    if (typeof valid === 'boolean') return accept(valid, token, jwt, target, generation);
    return valid.then((answer) => accept(answer, token, jwt, target, generation));
  }

  function accept(
    valid: boolean,
    token: string,
    jwt: DecodedJwt,
    target: VerifyTarget,
    generation: number,
  ): AccessTokenResult {
    if (!valid) {
      const kid = jwt.header.kid === undefined ? '' : ` (kid ${JSON.stringify(jwt.header.kid.slice(0, 64))})`;
      throw new TokenwardError(
        'ERR_SIGNATURE_INVALID',
        `signature does not verify with the ${jwt.header.alg} key${kid} of ${target.issuer}`,
      );
    }
    const claims = checkClaimTypes(jwt.payload);
    checkTimes(claims, settings.clock(), timePolicy);
    const audience = audienceList(claims);
    checkAudience(audience, target.audiences);
    checkAccessTokenType(jwt.header, claims, {
      requireAtJwt: settings.requireAtJwt,
      serverKind: target.server.kind,
    });
    checkRequiredClaims(claims, settings.requiredClaims);
    const result = buildResult(token, jwt.header, claims, audience, target);
    cache?.set(token, {
      result,
      keys: target.keys,
      generation,
      validUntil: (claims.exp + settings.clockTolerance) * 1000,
    });
    return result;
  }

  return (token, trace) => {
    if (cache !== undefined && typeof token === 'string') {
      const now = settings.clock();
      const hit = cache.get(token, now);
      if (hit !== undefined) {
        trace.issuer = hit.result.issuer;
        checkTimes(hit.result.claims, now, timePolicy);
        return hit.result;
      }
    }
    const jwt = decodeJwt(token, settings.maxTokenSize, codec);
    checkHeaderPolicy(jwt.header, settings.algorithms);
    const target = route(jwt.payload.iss);
    trace.issuer = target.issuer;
    // The first check used every issuer's algorithms; this one the named issuer's own.
    checkAlgorithm(jwt.header, target.algorithms);
    const { kid, alg } = jwt.header;
    const verified = token as string;
    const cached = target.keys.peekKey(kid, alg);
    if (cached !== undefined) return checkSignature(verified, jwt, target, cached.key);
    return target.keys
      .getKey(kid, alg)
      .then((resolved) => checkSignature(verified, jwt, target, resolved.key));
  };
}

function buildResult(
  token: string,
  header: JwtHeader,
  claims: AccessTokenClaims,
  audience: readonly string[],
  target: VerifyTarget,
): AccessTokenResult {
  const clientId = claims.cid ?? claims.client_id;
  return Object.freeze({
    token,
    header: deepFreeze(header),
    claims: deepFreeze(claims),
    issuer: claims.iss,
    subject: claims.sub,
    audience: Object.freeze([...audience]),
    scopes: scopesOf(claims),
    ...(clientId === undefined ? {} : { clientId }),
    expiresAt: new Date(claims.exp * 1000),
    server: target.server,
  });
}
