/**
 * Step-up authentication (RFC 9470): a route can ask for a stronger or a more recent sign-in than
 * the token's. The authorization server records both in the access token (`acr`, `auth_time`);
 * a token without them fails closed, since nothing then says the sign-in was strong or recent.
 */
import { TokenwardError } from '../../errors.js';
import { quote } from '../quote.js';

/**
 * Claims whose `acr` was dropped because the JWT's and its issuer's introspection answer's
 * differ and `acrLevels` does not rank both (introspection/answer-bounds.ts), with the two
 * values, so that a refusal says so rather than that the token carries no `acr`. Keyed by the
 * narrowed result's claims object, so a note lives as long as its result.
 */
const unrankedAcrs = new WeakMap<object, { readonly token: unknown; readonly answer: unknown }>();

/** Notes that `claims` lost the `acr` the token (`token`) and its introspection answer (`answer`) disagree on. */
export function noteUnrankedAcr(claims: object, token: unknown, answer: unknown): void {
  unrankedAcrs.set(claims, { token, answer });
}

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
        `this route needs a sign-in at ${describeAcr(acrValues, acrLevels)}; ${withoutAcr(claims, acrLevels)}`,
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

/** Why `claims` has no `acr` a route could rely on. */
function withoutAcr(claims: object, acrLevels: readonly string[] | undefined): string {
  const unranked = unrankedAcrs.get(claims);
  if (unranked === undefined) return 'the token carries no acr claim';
  const ranking = acrLevels === undefined ? 'no acrLevels ranks them' : 'acrLevels does not rank both';
  return (
    `the token's acr ${describeValue(unranked.token)} and its authorization server's introspection ` +
    `answer's acr ${describeValue(unranked.answer)} differ and ${ranking}, so neither stands for the sign-in`
  );
}

function describeValue(value: unknown): string {
  return typeof value === 'string' ? quote(value) : `a ${typeof value}`;
}

function describeAcr(acrValues: readonly string[], acrLevels: readonly string[] | undefined): string {
  const listed = acrValues.map((value) => quote(value)).join(' or ');
  return acrLevels === undefined ? listed : `${listed} or stronger`;
}
