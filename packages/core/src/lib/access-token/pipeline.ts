/**
 * The access-token verifier, top-down in one function: the checks in order, cheapest first, so a
 * token that fails cheaply never costs a signature check or a fetch. The answer is synchronous
 * whenever the key is imported and the signature primitive is synchronous (the Node entry).
 */
import type { DpopRequest } from '../../dpop.js';
import { TokenwardError } from '../../errors.js';
import { reportVerificationFailure } from '../../events.js';
import type { Runtime, SignaturePrimitive } from '../../runtime.js';
import type { AccessTokenResult, JwtHeader } from '../../types.js';
import { applyCallChecks, type CallOptions } from '../checks/call-checks.js';
import { ALWAYS_REQUIRED, checkClaimTypes, checkLifetime, VENDOR_REQUIRED } from '../checks/claim-values.js';
import {
  audienceList,
  checkAccessTokenType,
  checkAudience,
  checkRequiredClaims,
  checkTimes,
} from '../checks/claims.js';
import { confirmedThumbprint } from '../checks/confirmation.js';
import { createIssuerRouter } from '../checks/issuer-routing.js';
import { challengeSchemes, createDpopBinding } from '../dpop/binding.js';
import type { IssuerKeys, ResolvedKey } from '../keys/issuer-keys.js';
import { quoteKid } from '../keys/key-index.js';
import type { ResolvedIssuer, ResolvedVerifierOptions } from '../options/resolve.js';
import {
  checkAlgorithm,
  type DecodedJwt,
  decodeJwt,
  signatureInvalid,
  verifySignature,
} from '../token/jwt.js';
import { isTraced, traceOperation } from '../tracing/channels.js';
import { recordToken, type VerifyTrace, verifyTrace } from '../tracing/verify.js';
import { buildResult, copyForCache } from './result.js';
import { createResultCache, type ResultCache } from './result-cache.js';

/** No requirements of this call: nothing to apply. */
const NO_REQUIREMENTS = (_result: AccessTokenResult): void => undefined;

/** A configured issuer with its keys. */
export interface VerifyTarget extends ResolvedIssuer {
  readonly keys: IssuerKeys;
}

/**
 * Verifies one token, how it was presented (bearer, or DPoP with a proof) and this call's
 * requirements (already validated). Failures are reported (event, realm, challenges) before they
 * are thrown or rejected. With `synchronous`, a key that is not imported yet is a failure
 * (`ERR_KEY_NOT_CACHED`) instead of a fetch, so with a synchronous signature primitive the answer
 * to a bearer token is never a promise.
 */
export type AccessTokenPipeline = (
  token: unknown,
  call: CallOptions,
  synchronous: boolean,
) => AccessTokenResult | Promise<AccessTokenResult>;

/**
 * A check of a token that passed every local check, at its issuer (introspection's `'always'`
 * mode). It runs before how the token was presented and this call's requirements, so a token the
 * issuer no longer vouches for is refused as such (401) whatever the route requires. It answers
 * the result as the issuer's answer narrows it, which is what the rest is judged on.
 */
export type ConfirmAtIssuer = (result: AccessTokenResult) => Promise<AccessTokenResult>;

/** A verifier's cache of verified tokens, shared by its pipeline and its request-step twin. */
export type AccessTokenCache = ResultCache<AccessTokenResult>;

/** The result cache the settings ask for, or none (`resultCache: false`). */
export function createAccessTokenCache(
  settings: Pick<ResolvedVerifierOptions, 'resultCacheMax'>,
): AccessTokenCache | undefined {
  return settings.resultCacheMax > 0 ? createResultCache(settings.resultCacheMax, copyForCache) : undefined;
}

export function createAccessTokenPipeline(
  settings: ResolvedVerifierOptions,
  targets: readonly VerifyTarget[],
  runtime: Pick<Runtime, 'signatures' | 'codec' | 'digests' | 'tracing'>,
  cache: AccessTokenCache | undefined,
  confirm?: ConfirmAtIssuer,
): AccessTokenPipeline {
  const { signatures, codec, tracing } = runtime;
  const binding = createDpopBinding(settings.dpop, runtime, settings.clock, settings.onEvent);
  const route = createIssuerRouter(targets, settings.orgServerRules);
  const timePolicy = { clockTolerance: settings.clockTolerance, maxTokenAge: settings.maxTokenAge };
  const trustedIssuers = Object.freeze(targets.map((target) => target.issuer));
  const schemes = challengeSchemes(settings.dpop);
  const failed = (
    error: unknown,
    issuer: string | undefined,
    header: JwtHeader | undefined,
    trace: VerifyTrace | undefined,
    dpop: DpopRequest | undefined,
  ) => {
    recordToken(trace, issuer, header);
    return reportVerificationFailure(
      settings.onEvent,
      settings.realm,
      error,
      issuer,
      trustedIssuers,
      dpop === undefined ? schemes?.bearer : schemes?.dpop,
    );
  };

  // The issuer's word when asked for, then how the token was presented, this call's requirements
  // and (DPoP) the proof burned. Built once: the hot path allocates no closure of its own.
  const present = (result: AccessTokenResult, { checks, dpop }: CallOptions) =>
    binding.accept(
      result,
      dpop,
      checks === undefined ? NO_REQUIREMENTS : (accepted) => applyCallChecks(accepted, checks, settings),
    );
  const finish =
    confirm === undefined
      ? present
      : (result: AccessTokenResult, call: CallOptions) =>
          confirm(result).then((confirmed) => present(confirmed, call));
  /** A failure that comes later, reported as one that comes now is. */
  const settleLater = (
    outcome: Promise<AccessTokenResult>,
    issuer: string | undefined,
    header: JwtHeader | undefined,
    trace: VerifyTrace | undefined,
    dpop: DpopRequest | undefined,
  ) =>
    outcome.then(undefined, (error: unknown) => Promise.reject(failed(error, issuer, header, trace, dpop)));

  // 5. Claims, lifetime, then the token's kind before its audience (an ID token sent to an API is
  // told it is one, not that its audience is wrong); 6. the result, cached; 7. how it was
  // presented and this call's scopes and claims.
  function acceptSigned(
    token: string,
    jwt: DecodedJwt,
    target: VerifyTarget,
    generation: number,
    call: CallOptions,
  ): AccessTokenResult | Promise<AccessTokenResult> {
    const vendorShaped = target.server.kind !== 'other';
    const claims = checkClaimTypes(jwt.payload, vendorShaped ? VENDOR_REQUIRED : ALWAYS_REQUIRED);
    checkTimes(claims, settings.clock(), timePolicy);
    checkLifetime(claims, target.maxTokenLifetime);
    checkAccessTokenType(jwt.header, claims, {
      requireAtJwt: settings.requireAtJwt,
      serverKind: target.server.kind,
    });
    const audience = audienceList(claims);
    checkAudience(audience, target.audiences);
    checkRequiredClaims(claims, settings.requiredClaims);
    // A binding this SDK cannot check refuses the token itself, before it is cached (RFC 8705 §3).
    confirmedThumbprint(claims.cnf);
    const result = buildResult(token, jwt.header, claims, audience, target);
    // Cached before this call's requirements: those differ per route, the token's verdict does not.
    cache?.offer(token, {
      result,
      keys: target.keys,
      generation,
      validUntil: (claims.exp + settings.clockTolerance) * 1000,
    });
    return finish(result, call);
  }

  function verifyAccessToken(
    token: unknown,
    call: CallOptions,
    synchronous: boolean,
    trace: VerifyTrace | undefined,
  ): AccessTokenResult | Promise<AccessTokenResult> {
    let issuer: string | undefined;
    let header: JwtHeader | undefined;
    try {
      // 0. A token verified before skips to its times and this call's requirements.
      if (cache !== undefined && typeof token === 'string') {
        const now = settings.clock();
        const hit = cache.get(token, now);
        if (hit !== undefined) {
          issuer = hit.result.issuer;
          header = hit.result.header;
          if (trace !== undefined) trace.cacheHit = true;
          checkTimes(hit.result.claims, now, timePolicy);
          const outcome = finish(hit.result, call);
          return outcome instanceof Promise
            ? settleLater(outcome, issuer, header, trace, call.dpop)
            : outcome;
        }
      }
      // 1. Size and shape; the header judged against every issuer's algorithms, before the
      // payload and signature are even decoded and before `iss` is read.
      const jwt = decodeJwt(token, settings.maxTokenSize, codec, settings.algorithms);
      header = jwt.header;
      // 2. The issuer the token names, exactly, and that issuer's own algorithms.
      const target = route(jwt.payload.iss);
      issuer = target.issuer;
      checkAlgorithm(jwt.header, target.algorithms);
      // 3. The key, from that issuer's set only, and 4. the signature. Either may have to wait (a
      // key set to fetch, an asynchronous primitive); with the key imported on Node, neither does.
      const { kid, alg } = jwt.header;
      const imported = target.keys.peekKey(kid, alg);
      if (imported === undefined && synchronous) throw keyNotCached(target.issuer, jwt.header);
      const proof =
        imported === undefined
          ? target.keys.getKey(kid, alg).then((resolved) => proveSignature(signatures, jwt, target, resolved))
          : proveSignature(signatures, jwt, target, imported);
      if (typeof proof === 'number') {
        const outcome = acceptSigned(token as string, jwt, target, proof, call);
        return outcome instanceof Promise ? settleLater(outcome, issuer, header, trace, call.dpop) : outcome;
      }
      return settleLater(
        proof.then((generation) => acceptSigned(token as string, jwt, target, generation, call)),
        issuer,
        header,
        trace,
        call.dpop,
      );
    } catch (error) {
      throw failed(error, issuer, header, trace, call.dpop);
    }
  }

  // Published only while something subscribes to the verify channel; otherwise one check per call.
  return (token, call, synchronous) => {
    const channel = tracing?.verify;
    if (!isTraced(channel)) return verifyAccessToken(token, call, synchronous, undefined);
    const trace = verifyTrace('access_token');
    return traceOperation(
      channel,
      trace,
      () => verifyAccessToken(token, call, synchronous, trace),
      (context, result) => recordToken(context, result.issuer, result.header),
    );
  };
}

/** `ERR_KEY_NOT_CACHED`: `verifySync` found no imported key for the token and never fetches one. */
function keyNotCached(issuer: string, header: JwtHeader): TokenwardError {
  const kid = header.kid === undefined ? 'without kid' : `kid ${quoteKid(header.kid)}`;
  return new TokenwardError(
    'ERR_KEY_NOT_CACHED',
    `the ${header.alg} key (${kid}) of ${issuer} is not loaded and fresh, and verifySync never fetches keys; ` +
      'call verify() (which fetches), or warm() before taking traffic',
  );
}

/**
 * Checks the signature with the resolved key and answers the generation of the key set that key
 * was found in: not the current one, which an asynchronous import or signature check may have
 * seen replaced (the cache must never outlive the key). Throws `ERR_SIGNATURE_INVALID`.
 */
function proveSignature(
  signatures: SignaturePrimitive,
  jwt: DecodedJwt,
  target: VerifyTarget,
  { key, generation }: ResolvedKey,
): number | Promise<number> {
  const valid = verifySignature(signatures, jwt, key);
  if (valid === true) return generation;
  if (valid === false) throw signatureInvalid(jwt.header, target.issuer);
  return valid.then((answer) => {
    if (!answer) throw signatureInvalid(jwt.header, target.issuer);
    return generation;
  });
}
