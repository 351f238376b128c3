/**
 * The challenge every refusal of one route carries beside its error: the realm, the route's
 * scopes, the resource's metadata URL and the schemes the verifier takes. Built here once, for the
 * request step and for the steps around it (reading a Fetch form body), so no refusal of a route
 * can say less than another.
 */
import type { DpopSettings } from '../../dpop.js';
import { type ChallengeChange, isTokenwardError } from '../../errors.js';
import type { AuthenticateRequestOptions } from '../../request-options.js';
import type { AccessTokenVerifier, AuthRequirements } from '../../types.js';
import { protectedResourceMetadataUrl } from '../resource/canonical.js';
import type { CredentialScheme } from './credentials.js';

/** The challenge of a request step's failure: the realm, the route's scopes, the resource, the schemes. */
export function routeChallenge(
  verifier: AccessTokenVerifier,
  requirements: AuthRequirements | undefined,
  options: AuthenticateRequestOptions,
  scheme?: CredentialScheme,
): ChallengeChange {
  return challengeFor(
    options.realm ?? verifier.realm,
    verifier.resource,
    requirements,
    verifier.dpop,
    scheme,
  );
}

/** What every challenge of one route says beside the error: realm, scopes, metadata URL. */
export function challengeFor(
  realm: string,
  resource: string | undefined,
  requirements: AuthRequirements | undefined,
  dpop?: DpopSettings,
  used?: CredentialScheme,
): ChallengeChange {
  return {
    realm,
    ...(requirements?.scopes === undefined ? {} : { requiredScopes: requirements.scopes }),
    ...(resource === undefined ? {} : { resourceMetadata: protectedResourceMetadataUrl(resource) }),
    // A verifier that takes DPoP names both schemes, or DPoP alone when required (RFC 9449 section 7.1).
    ...(dpop === undefined
      ? {}
      : {
          challenges: {
            bearer: dpop.mode === 'allowed',
            dpopAlgorithms: dpop.algorithms,
            ...(used === undefined ? {} : { used }),
          },
        }),
  };
}

/**
 * The error with the route's challenge. A scope error keeps its own list: it names the scopes
 * the check required (all of them for `scopeMatch: 'any'` too).
 */
export function inChallenge(error: unknown, challenge: ChallengeChange): unknown {
  if (!isTokenwardError(error) || error.code === 'ERR_CONFIG') return error;
  // The verifier's own errors already name its schemes, with the one the request used.
  return error.withChallenge({
    ...challenge,
    ...(error.requiredScopes === undefined ? {} : { requiredScopes: undefined }),
    ...(error.challenges === undefined ? {} : { challenges: undefined }),
  });
}
