/**
 * The ID-token checks in order, cheapest first, with the same steps as access tokens up to the
 * signature (size and shape, `alg` allow-list and `crit`, exact issuer, the issuer's own keys),
 * then the ID token's content (IDT-3..IDT-12) and its binding to the caller's sign-in.
 */
import { TokenwardError } from '../../errors.js';
import type { IdTokenResult, VerifyIdTokenOptions } from '../../id-token-types.js';
import type { Runtime } from '../../runtime.js';
import type { VerifyTrace } from '../access-token/pipeline.js';
import { createIssuerRouter } from '../checks/issuer-routing.js';
import type { IssuerKeys } from '../keys/issuer-keys.js';
import { checkHeaderPolicy, decodeJwt, verifySignature } from '../token/jwt.js';
import { checkAcr, checkAuthTime, checkHashes, checkNonce } from './binding.js';
import { checkIdTokenClaims } from './claims.js';
import type { ResolvedIdTokenOptions } from './options.js';
import { buildIdTokenResult, readProfile } from './result.js';

export type IdTokenPipeline = (
  token: unknown,
  options: VerifyIdTokenOptions,
  trace: VerifyTrace,
) => Promise<IdTokenResult>;

export function createIdTokenPipeline(
  config: ResolvedIdTokenOptions,
  keys: IssuerKeys,
  { signatures, codec }: Pick<Runtime, 'signatures' | 'codec'>,
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
  };

  return async (token, options, trace) => {
    const jwt = decodeJwt(token, settings.maxTokenSize, codec);
    checkHeaderPolicy(jwt.header, target.algorithms);
    route(jwt.payload.iss);
    trace.issuer = target.issuer;
    const { kid, alg } = jwt.header;
    const resolved = keys.peekKey(kid, alg) ?? (await keys.getKey(kid, alg));
    if (!(await verifySignature(signatures, jwt, resolved.key))) {
      const kidText = kid === undefined ? '' : ` (kid ${JSON.stringify(kid.slice(0, 64))})`;
      throw new TokenwardError(
        'ERR_SIGNATURE_INVALID',
        `signature does not verify with the ${alg} key${kidText} of ${target.issuer}`,
      );
    }
    const now = settings.clock();
    const claims = checkIdTokenClaims(jwt.header, jwt.payload, now, claimPolicy);
    const profile = readProfile(claims);
    checkNonce(claims, options.nonce);
    checkAuthTime(claims, options.maxAge, now, settings.clockTolerance);
    checkAcr(claims, options.acrValues);
    await checkHashes(claims, alg, options);
    return buildIdTokenResult(token as string, jwt.header, claims, profile, target.server);
  };
}
