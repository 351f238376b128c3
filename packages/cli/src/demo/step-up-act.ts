/**
 * The demo's step-up act (RFC 9470): the test user signs in with authorization code + PKCE as
 * the issuer's public client `spa-client`, and both APIs' `POST /payouts` ask for more than a
 * one-factor or an hour-old sign-in. Each refusal's challenge names what would do (`acr_values`,
 * `max_age`); the user signs in again with exactly those, and the same route lets the new token
 * through.
 */
import { createHash, randomBytes } from 'node:crypto';
import { PAYOUTS } from './apis.js';
import { errorCodeOf, request } from './http.js';
import { DEMO_JWKS_COOLDOWN, type DemoEnvironment } from './servers.js';

export interface StepUpCase {
  readonly name: string;
  readonly api: string;
  readonly expected: { readonly status: number; readonly code?: string };
  readonly got: {
    readonly status: number;
    readonly code: string | null;
    readonly wwwAuthenticate: string | null;
    /** The `acr` of the token sent. */
    readonly acr: string | null;
  };
  readonly matched: boolean;
}

interface Step {
  readonly name: string;
  /** The session the user has before signing in; absent: the one the previous step left. */
  readonly session?: {
    readonly acr: 'urn:tokenward:loa:1' | 'urn:tokenward:loa:2';
    readonly ageSeconds: number;
  };
  /** Sign in again with the previous refusal's `acr_values` and `max_age`. */
  readonly answerChallenge?: true;
  readonly expect: { readonly status: number; readonly code?: string };
}

const REFUSED = { status: 401, code: 'ERR_INSUFFICIENT_USER_AUTHENTICATION' } as const;
const STEPS: readonly Step[] = [
  {
    name: 'one-factor sign-in: 401 with acr_values',
    session: { acr: 'urn:tokenward:loa:1', ageSeconds: 0 },
    expect: REFUSED,
  },
  { name: 'signed in again with those acr_values: 200', answerChallenge: true, expect: { status: 200 } },
  {
    name: 'two-factor sign-in an hour old: 401 with max_age',
    session: { acr: 'urn:tokenward:loa:2', ageSeconds: 3600 },
    expect: REFUSED,
  },
  { name: 'signed in again within max_age: 200', answerChallenge: true, expect: { status: 200 } },
];

const REDIRECT_URI = 'http://127.0.0.1:9/callback';

export async function runStepUpAct(
  env: DemoEnvironment,
  onCase: (result: StepUpCase) => void,
): Promise<readonly StepUpCase[]> {
  // The outage scenarios left the key set failing: heal it, and let the APIs' refetch cooldown
  // pass so their next request fetches the keys again.
  env.issuer.clearFaults();
  env.clock.advanceTo(env.clock.now() + (DEMO_JWKS_COOLDOWN + 1) * 1000);
  const cases: StepUpCase[] = [];
  for (const api of env.apis) {
    let challenge: string | null = null;
    for (const step of STEPS) {
      if (step.session !== undefined) {
        const authTime = Math.floor(Date.now() / 1000) - step.session.ageSeconds;
        env.issuer.signInTestUser({ acr: step.session.acr, authTime });
      }
      const token = await signIn(env, step.answerChallenge ? challengeParameters(challenge) : {});
      const answer = await request(`${api.origin}/payouts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      challenge = single(answer.headers['www-authenticate']);
      const code = errorCodeOf(answer) ?? null;
      const result: StepUpCase = {
        name: step.name,
        api: api.name,
        expected: step.expect,
        got: { status: answer.status, code, wwwAuthenticate: challenge, acr: acrOf(token) },
        matched:
          answer.status === step.expect.status &&
          (step.expect.code === undefined || code === step.expect.code),
      };
      cases.push(result);
      onCase(result);
    }
  }
  return cases;
}

/** `acr_values` and `max_age` of a challenge, to send to the authorization endpoint (RFC 9470 section 4). */
function challengeParameters(challenge: string | null): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const [, name, value] of (challenge ?? '').matchAll(/\b(acr_values|max_age)="([^"]*)"/g)) {
    parameters[name as string] = value as string;
  }
  return parameters;
}

/** Authorization code + PKCE (RFC 7636) for the test user; the issuer signs in without a page. */
async function signIn(env: DemoEnvironment, stepUp: Record<string, string>): Promise<string> {
  const server = env.issuer.server('default');
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: 'spa-client',
    redirect_uri: REDIRECT_URI,
    scope: PAYOUTS.scopes.join(' '),
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...stepUp,
  });
  const redirect = await request(`${server.issuer}/v1/authorize?${query}`);
  const code = new URL(single(redirect.headers.location) ?? REDIRECT_URI).searchParams.get('code');
  if (code === null) throw new Error(`the authorization endpoint answered ${redirect.status}`);
  const answer = await request(server.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: 'spa-client',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    }).toString(),
  });
  const token = (JSON.parse(answer.body) as { access_token?: unknown }).access_token;
  if (answer.status !== 200 || typeof token !== 'string') {
    throw new Error(`the token endpoint answered ${answer.status}`);
  }
  return token;
}

/** The token's `acr`, read for the narration only (the APIs verified it). */
function acrOf(token: string): string | null {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    acr?: unknown;
  };
  return typeof payload.acr === 'string' ? payload.acr : null;
}

function single(value: string | string[] | undefined): string | null {
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
}
