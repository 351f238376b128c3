/**
 * Step-up authentication (RFC 9470): a route can ask for a stronger or a more recent sign-in than
 * the token's. The authorization server records both in the access token (`acr`, `auth_time`);
 * a token without them fails closed, since nothing then says the sign-in was strong or recent.
 */
import { TokenwardError } from '../../errors.js';
import { quote } from '../quote.js';

/** What a route asks of the sign-in behind the token. */
export interface StepUpRequirement {
  /** Acceptable `acr` values (any one suffices), or with `acrLevels` the weakest acceptable level. */
  readonly acrValues?: readonly string[];
  /** The oldest acceptable sign-in, in seconds before now (`auth_time`). */
  readonly maxAge?: number;
}

/**
 * Refuses with `ERR_INSUFFICIENT_USER_AUTHENTICATION` (401, RFC 9470 section 3) when the token's
 * `acr` or `auth_time` do not meet `requirement`.
 *
 * @param acrLevels - the verifier's authentication levels, weakest first: with it, a token whose
 * `acr` ranks at or above the weakest of `acrValues` satisfies the route ("at least X").
 * @param nowSeconds - the current time; `clockTolerance` forgives that much clock skew.
 */
export function checkStepUp(
  claims: Readonly<Record<string, unknown>>,
  requirement: StepUpRequirement,
  acrLevels: readonly string[] | undefined,
  nowSeconds: number,
  clockTolerance: number,
): void {
  const { acrValues, maxAge } = requirement;
  const refuse = (message: string) =>
    new TokenwardError('ERR_INSUFFICIENT_USER_AUTHENTICATION', message, {
      ...(acrValues === undefined ? {} : { acrValues }),
      ...(maxAge === undefined ? {} : { maxAge }),
    });
  if (acrValues !== undefined) {
    const acr = claims.acr;
    if (typeof acr !== 'string' || acr === '') {
      throw refuse(
        `this route needs a sign-in at ${describeAcr(acrValues, acrLevels)}; the token carries no acr claim`,
      );
    }
    if (!acrSatisfies(acr, acrValues, acrLevels)) {
      throw refuse(
        `this route needs a sign-in at ${describeAcr(acrValues, acrLevels)}; the token's sign-in was at ${quote(acr)}`,
      );
    }
  }
  if (maxAge !== undefined) {
    const authTime = claims.auth_time;
    if (typeof authTime !== 'number' || !Number.isSafeInteger(authTime) || authTime < 0) {
      throw refuse(
        `this route needs a sign-in within the last ${maxAge} s; the token carries no usable auth_time claim`,
      );
    }
    const age = nowSeconds - authTime;
    if (age > maxAge + clockTolerance) {
      throw refuse(
        `this route needs a sign-in within the last ${maxAge} s; the token's sign-in was ${Math.floor(age)} s ago`,
      );
    }
  }
}

function acrSatisfies(
  acr: string,
  acrValues: readonly string[],
  acrLevels: readonly string[] | undefined,
): boolean {
  if (acrValues.includes(acr)) return true;
  if (acrLevels === undefined) return false;
  const rank = acrLevels.indexOf(acr);
  if (rank === -1) return false;
  const weakest = Math.min(
    ...acrValues.map((value) => acrLevels.indexOf(value)).filter((index) => index !== -1),
  );
  return Number.isFinite(weakest) && rank >= weakest;
}

function describeAcr(acrValues: readonly string[], acrLevels: readonly string[] | undefined): string {
  const listed = acrValues.map((value) => quote(value)).join(' or ');
  return acrLevels === undefined ? listed : `${listed} or stronger`;
}
