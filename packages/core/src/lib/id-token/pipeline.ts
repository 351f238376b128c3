/**
 * The ID-token verifier, top-down in one function: the same steps as access tokens up to the
 * signature (size and shape, `alg` allow-list and `crit`, exact issuer, the issuer's own keys),
 * then the ID token's content (IDT-3..IDT-12) and its binding to the caller's sign-in.
 */
import { reportVerificationFailure } from '../../events.js';
import type { IdTokenResult, VerifyIdTokenOptions } from '../../id-token-types.js';
import type { Runtime } from '../../runtime.js';
import type { JwtHeader } from '../../types.js';
import { createIssuerRouter } from '../checks/issuer-routing.js';
import type { IssuerKeys } from '../keys/issuer-keys.js';
import { decodeJwt, signatureInvalid, verifySignature } from '../token/jwt.js';
import { isTraced, traceOperation } from '../tracing/channels.js';
import { recordToken, type VerifyTrace, verifyTrace } from '../tracing/verify.js';
import { checkAcr, checkAuthTime, checkHashes, checkNonce } from './binding.js';
import { checkIdTokenClaims } from './claims.js';
import type { ResolvedIdTokenOptions } from './options.js';
import { buildIdTokenResult, readProfile } from './result.js';

/** Verifies one ID token and this call's binding options (already validated); failures are reported before they reject. */
export type IdTokenPipeline = (token: unknown, options: VerifyIdTokenOptions) => Promise<IdTokenResult>;

export function createIdTokenPipeline(
  config: ResolvedIdTokenOptions,
  keys: IssuerKeys,
  { signatures, codec, tracing }: Pick<Runtime, 'signatures' | 'codec' | 'tracing'>,
): IdTokenPipeline {
  const { settings, target } = config;
  // Without the org-server rule a miss is plainly ERR_ISSUER_MISMATCH; a sibling custom server
  // is still named as such.
  const route = createIssuerRouter([target], false);
  const claimPolicy = {
    clientId: config.clientId,
    trustedAudiences: config.trustedAudiences,
    requiredClaims: settings.requiredClaims,
    clockTolerance: settings.clockTolerance,
    maxTokenAge: settings.maxTokenAge,
    maxTokenLifetime: target.maxTokenLifetime,
  };

  async function verifyIdToken(
    token: unknown,
    options: VerifyIdTokenOptions,
    trace: VerifyTrace | undefined,
  ): Promise<IdTokenResult> {
    let issuer: string | undefined;
    let header: JwtHeader | undefined;
    try {
      // 1. Size and shape; the header (`alg` from the allow-list first, no JWE member, no `crit`)
      // before the payload and signature are decoded.
      const jwt = decodeJwt(token, settings.maxTokenSize, codec, target.algorithms);
      header = jwt.header;
      // 2. The issuer, exactly.
      route(jwt.payload.iss);
      issuer = target.issuer;
      // 3. The key, from this issuer's set only; 4. the signature.
      const { kid, alg } = jwt.header;
      const resolved = keys.peekKey(kid, alg) ?? (await keys.getKey(kid, alg));
      if (!(await verifySignature(signatures, jwt, resolved.key))) throw signatureInvalid(jwt.header, issuer);
      // 5. The ID token's own claims (IDT-3..IDT-7, IDT-12) and profile.
      const now = settings.clock();
      const claims = checkIdTokenClaims(jwt.header, jwt.payload, now, claimPolicy);
      const profile = readProfile(claims);
      // 6. Its binding to this sign-in: nonce, max_age, acr, at_hash/c_hash (IDT-8..IDT-11).
      checkNonce(claims, options.nonce);
      checkAuthTime(claims, options.maxAge, now, settings.clockTolerance);
      checkAcr(claims, options.acrValues);
      await checkHashes(claims, alg, options);
      // 7. The result.
      return buildIdTokenResult(token as string, jwt.header, claims, profile, target.server);
    } catch (error) {
      recordToken(trace, issuer, header);
      throw reportVerificationFailure(settings.onEvent, settings.realm, error, issuer, [target.issuer]);
    }
  }

  // Published only while something subscribes to the verify channel.
  return (token, options) => {
    const channel = tracing?.verify;
    if (!isTraced(channel)) return verifyIdToken(token, options, undefined);
    const trace = verifyTrace('id_token');
    return traceOperation(
      channel,
      trace,
      () => verifyIdToken(token, options, trace),
      (context, result) => recordToken(context, result.issuer, result.header),
    ) as Promise<IdTokenResult>;
  };
}
