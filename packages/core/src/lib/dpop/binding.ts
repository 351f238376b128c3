/**
 * Where DPoP meets `verify()`: after the access token itself verified, decide how it was presented.
 * A token bound to a key (`cnf.jkt`) is only accepted with a valid proof by that key (RFC 9449
 * section 7.1), never as a bearer token (section 7.2: downgrade), whether or not the verifier has a `dpop`
 * option; a proof with an unbound token is refused; and the proof is burned last, after the call's
 * own requirements passed, so a request refused for a missing scope does not use it up. A token
 * bound some other way (`cnf` without `jkt`) is refused whatever the presentation (checks/confirmation.ts).
 */
import type { DpopRequest } from '../../dpop.js';
import { type ChallengeSchemes, TokenwardError } from '../../errors.js';
import type { EventHandler } from '../../events.js';
import type { Runtime } from '../../runtime.js';
import type { AccessTokenResult } from '../../types.js';
import { confirmedThumbprint } from '../checks/confirmation.js';
import type { ResolvedDpopOptions } from './options.js';
import { createProofChecker } from './proof.js';
import { burnProof } from './replay.js';

export interface DpopBinding {
  /**
   * Accepts `result` for a request presented as `request` (DPoP) or as a bearer token
   * (`undefined`); `checkRequirements` applies the call's scopes and claims in between.
   */
  accept(
    result: AccessTokenResult,
    request: DpopRequest | undefined,
    checkRequirements: (result: AccessTokenResult) => void,
  ): AccessTokenResult | Promise<AccessTokenResult>;
}

export function createDpopBinding(
  settings: ResolvedDpopOptions | undefined,
  runtime: Pick<Runtime, 'signatures' | 'codec' | 'digests' | 'tracing'>,
  clock: () => number,
  onEvent: EventHandler | undefined,
): DpopBinding {
  const checkProof = settings === undefined ? undefined : createProofChecker(settings, runtime, clock);

  async function acceptProof(
    result: AccessTokenResult,
    request: DpopRequest,
    boundThumbprint: string,
    checkRequirements: (result: AccessTokenResult) => void,
  ): Promise<AccessTokenResult> {
    const proof = await checkProof!({ request, accessToken: result.token, boundThumbprint });
    checkRequirements(result);
    await burnProof(settings!.replayStore, proof.replayKey, settings!.replayTtlMs, onEvent, runtime.tracing);
    return Object.freeze({
      ...result,
      dpop: Object.freeze({
        thumbprint: proof.thumbprint,
        ...(proof.nextNonce === undefined ? {} : { nonce: proof.nextNonce }),
      }),
    });
  }

  return {
    accept(result, request, checkRequirements) {
      const boundThumbprint = confirmedThumbprint(result.claims.cnf);
      if (request === undefined) {
        if (settings?.mode === 'required') {
          throw new TokenwardError(
            'ERR_DPOP_BINDING_MISMATCH',
            'this API accepts only DPoP-bound tokens sent with the DPoP scheme and a DPoP proof (RFC 9449 section 7.1)',
          );
        }
        if (boundThumbprint !== undefined) {
          throw new TokenwardError(
            'ERR_DPOP_BINDING_MISMATCH',
            'the token is DPoP-bound (cnf.jkt) but was sent as a bearer token; send it with the DPoP scheme and a proof (RFC 9449 section 7.2)',
          );
        }
        checkRequirements(result);
        return result;
      }
      if (checkProof === undefined) {
        throw new TokenwardError(
          'ERR_CONFIG',
          'tokenward: verify() was given `dpop` but the verifier has no `dpop` option',
        );
      }
      if (boundThumbprint === undefined) {
        throw new TokenwardError(
          'ERR_DPOP_BINDING_MISMATCH',
          'the DPoP scheme was used with a token that is not DPoP-bound (no cnf.jkt); send it as a bearer token (RFC 9449 section 7.1)',
        );
      }
      return acceptProof(result, request, boundThumbprint, checkRequirements);
    },
  };
}

/** The challenge schemes of a verifier that accepts DPoP, for requests that used each scheme. */
export function challengeSchemes(
  dpop: ResolvedDpopOptions | undefined,
): { readonly bearer: ChallengeSchemes; readonly dpop: ChallengeSchemes } | undefined {
  if (dpop === undefined) return undefined;
  const accepted = { bearer: dpop.mode === 'allowed', dpopAlgorithms: dpop.algorithms };
  return {
    bearer: Object.freeze({ ...accepted, used: 'Bearer' }),
    dpop: Object.freeze({ ...accepted, used: 'DPoP' }),
  };
}
