/**
 * Step-up authentication (RFC 9470): a route can ask for a stronger or a more recent sign-in than
 * the token's. The authorization server records both in the access token (`acr`, `auth_time`);
 * a token without them fails closed, since nothing then says the sign-in was strong or recent.
 */
import { TokenwardError } from '../../errors.js';
import { quote } from '../quote.js';

/**
 * Where the `acr` of claims checked here came from, when not from the token alone, so that a
 * refusal says exactly which value it compared (or why none):
 *
 * - `answer`: the token is known only through its issuer's introspection answer (an opaque token,
 *   an org-server token, an introspection-only verifier), and the answer's `acr` is the one read;
 *   a JWT's own claims are not (introspection/pipeline.ts).
 * - `both`: `mode: 'always'`, where the JWT's `acr` (`token`) and the answer's (`answer`) differ
 *   (introspection/answer-bounds.ts): the weaker one under `acrLevels` was kept, or neither when
 *   they cannot be ranked, or the token's absence stands when only the answer states one.
 *
 * Keyed by the result's claims object, so a note lives as long as its result.
 */
type AcrSource =
  | { readonly kind: 'answer' }
  | { readonly kind: 'both'; readonly token: unknown; readonly answer: unknown };

const acrSources = new WeakMap<object, AcrSource>();
const FROM_ANSWER: AcrSource = Object.freeze({ kind: 'answer' });

/** Notes that `claims` are an introspection answer's, the only word on the token. */
export function noteAcrFromAnswer(claims: object): void {
  acrSources.set(claims, FROM_ANSWER);
}

/** Notes that `claims` hold what is left of the JWT's `acr` (`token`) and its introspection answer's (`answer`), which differ. */
export function noteAcrFromBoth(claims: object, token: unknown, answer: unknown): void {
  acrSources.set(claims, { kind: 'both', token, answer });
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
        `this route needs a sign-in at ${describeAcr(acrValues, acrLevels)}; ${withAcr(claims, acr)}`,
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

/** Which `acr` of `claims` was compared, and whose it is. */
function withAcr(claims: object, acr: string): string {
  const source = acrSources.get(claims);
  if (source === undefined) return `the token's sign-in was at ${quote(acr)}`;
  if (source.kind === 'answer') {
    return `its authorization server's introspection answer, the only word on the token, gives acr ${quote(acr)}`;
  }
  return `${bothAcrs(source)} differ, and the weaker of the two, ${quote(acr)}, was compared`;
}

/** Why `claims` has no `acr` a route could rely on. */
function withoutAcr(claims: object, acrLevels: readonly string[] | undefined): string {
  const source = acrSources.get(claims);
  if (source === undefined) return 'the token carries no acr claim';
  if (source.kind === 'answer') {
    return "its authorization server's introspection answer, the only word on the token, gives no acr";
  }
  if (source.token === undefined) {
    // RFC 7662 section 2.2: the answer about a JWT may narrow what the JWT says, never add to it.
    return (
      `the token carries no acr claim, and its authorization server's introspection answer's acr ` +
      `${describeValue(source.answer)} is set aside: an answer can narrow the token's sign-in, not add one`
    );
  }
  const ranking = acrLevels === undefined ? 'no acrLevels ranks them' : 'acrLevels does not rank both';
  return `${bothAcrs(source)} differ and ${ranking}, so neither stands for the sign-in`;
}

function bothAcrs(source: { readonly token: unknown; readonly answer: unknown }): string {
  return (
    `the token's acr ${describeValue(source.token)} and its authorization server's introspection ` +
    `answer's acr ${describeValue(source.answer)}`
  );
}

function describeValue(value: unknown): string {
  return typeof value === 'string' ? quote(value) : `a ${typeof value}`;
}

function describeAcr(acrValues: readonly string[], acrLevels: readonly string[] | undefined): string {
  const listed = acrValues.map((value) => quote(value)).join(' or ');
  return acrLevels === undefined ? listed : `${listed} or stronger`;
}
