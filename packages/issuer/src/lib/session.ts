import { ACR_VALUES } from '../test-user.js';
import type { AcrValue, TestUserSignIn } from '../types.js';

/** The RFC 8176 `amr` values each level stands for. */
const AMR_BY_ACR: Record<AcrValue, readonly string[]> = {
  'urn:tokenward:loa:1': ['pwd'],
  'urn:tokenward:loa:2': ['pwd', 'otp', 'mfa'],
  phr: ['pop', 'mfa'],
  phrh: ['pop', 'hwk', 'mfa'],
};

export function isAcrValue(value: unknown): value is AcrValue {
  return typeof value === 'string' && (ACR_VALUES as readonly string[]).includes(value);
}

/** One sign-in of the test user. */
export interface SignIn {
  readonly acr: AcrValue;
  /** Epoch seconds. */
  readonly authTime: number;
  readonly amr: readonly string[];
}

export function signInAt(acr: AcrValue, authTime: number): SignIn {
  return { acr, authTime, amr: AMR_BY_ACR[acr] };
}

/** Checks a sign-in given in options, naming the offending field. */
export function resolveSignIn(signIn: TestUserSignIn, name: string, nowSeconds: number): SignIn {
  const acr = signIn.acr ?? ACR_VALUES[0];
  if (!isAcrValue(acr))
    throw new Error(`${name}.acr must be one of ${ACR_VALUES.join(', ')}, got ${String(acr)}`);
  const authTime = signIn.authTime ?? nowSeconds;
  if (!Number.isInteger(authTime) || authTime < 0) {
    throw new Error(`${name}.authTime must be whole epoch seconds, got ${String(signIn.authTime)}`);
  }
  return signInAt(acr, authTime);
}

/** What an authorization request asks of the sign-in (OIDC Core §3.1.2.1). */
export interface SignInRequest {
  /** `acr_values`, in order of preference. */
  readonly acrValues: readonly string[];
  /** `max_age` in seconds. */
  readonly maxAge: number | undefined;
  /** `prompt=login`. */
  readonly forceLogin: boolean;
}

export type SignInOutcome = { ok: true; signIn: SignIn } | { ok: false; description: string };

/**
 * The test user's browser session, shared by every server of the issuer like the vendor's org-wide
 * session. The user "signs in again" when a request needs it: a level the session does not have
 * (`acr_values`, RFC 9470 §4), a session older than `max_age`, or `prompt=login`.
 */
export class TestUserSession {
  #current: SignIn | undefined;

  constructor(initial?: SignIn) {
    this.#current = initial;
  }

  /** Replaces the session, as if the user had signed in at that level and time. */
  set(signIn: SignIn): void {
    this.#current = signIn;
  }

  /** The sign-in an authorization request gets, signing in afresh when the session falls short. */
  signInFor(request: SignInRequest, nowSeconds: number): SignInOutcome {
    const current = this.#current;
    let acr: AcrValue = current?.acr ?? 'urn:tokenward:loa:1';
    let fresh = current === undefined || request.forceLogin;
    if (request.acrValues.length > 0 && !request.acrValues.includes(acr)) {
      const wanted = request.acrValues.find(isAcrValue);
      if (wanted === undefined) {
        return {
          ok: false,
          description: `acr_values names no supported level; supported: ${ACR_VALUES.join(' ')}`,
        };
      }
      acr = wanted;
      fresh = true;
    }
    // OIDC Core §3.1.2.1: max_age=0 asks for a sign-in now, like prompt=login.
    const { maxAge } = request;
    if (
      current !== undefined &&
      maxAge !== undefined &&
      (maxAge === 0 || nowSeconds - current.authTime > maxAge)
    ) {
      fresh = true;
    }
    if (!fresh && current !== undefined) return { ok: true, signIn: current };
    const signIn = signInAt(acr, nowSeconds);
    this.#current = signIn;
    return { ok: true, signIn };
  }
}
