/** Shared parts of the ID-token tests: both entries' factories, a sign-in over loopback, failure capture. */
import { createHash, randomBytes } from 'node:crypto';
import type { AuthServer } from '@tokenward/issuer';
import { createIdTokenVerifier as createWithWebRuntime } from '../../src/index.js';
import { createIdTokenVerifier as createWithNodeRuntime } from '../../src/node.js';

/** Both entries: the browser's (fetch, WebCrypto) and Node's (undici, node:crypto). */
export const ENTRIES = [
  ['default entry', createWithWebRuntime],
  ['Node entry', createWithNodeRuntime],
] as const;

export const SPA_CLIENT = 'spa-client';
const REDIRECT_URI = 'http://127.0.0.1:5173/callback';

export interface SignIn {
  readonly idToken: string;
  readonly accessToken: string;
  readonly nonce: string;
}

/**
 * The SPA's authorization-code flow with PKCE (RFC 7636) against the reference issuer: the
 * authorize endpoint signs the test user in and redirects with a code, which is exchanged at
 * the token endpoint for the ID token and access token.
 */
export async function signIn(server: AuthServer, scope = 'openid profile email'): Promise<SignIn> {
  const verifier = randomBytes(32).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const authorize = new URL(server.authorizationEndpoint);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: SPA_CLIENT,
    redirect_uri: REDIRECT_URI,
    scope,
    state: 'state-1',
    nonce,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const redirect = await fetch(authorize, { redirect: 'manual' });
  const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code');
  if (redirect.status !== 302 || code === null) throw new Error(`authorize answered ${redirect.status}`);
  const response = await fetch(server.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: SPA_CLIENT,
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    }),
  });
  const body = (await response.json()) as { id_token?: string; access_token?: string };
  if (body.id_token === undefined || body.access_token === undefined) {
    throw new Error(`token endpoint answered ${response.status} without tokens`);
  }
  return { idToken: body.id_token, accessToken: body.access_token, nonce };
}

/** The `TokenwardError` fields a rejection carries. */
export async function rejectionOf(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; status: number }> {
  try {
    await promise;
  } catch (error) {
    const { code, message, status } = error as { code: string; message: string; status: number };
    return { code, message, status };
  }
  throw new Error('expected verify to reject');
}

/** The `ERR_CONFIG` message a construction throws. */
export function configErrorOf(create: () => unknown): { code: string; message: string } {
  try {
    create();
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
  throw new Error('expected the factory to throw');
}

/**
 * A clock the test moves by hand, starting at the current whole second (the issuer mints with it
 * in whole seconds, so boundaries fall exactly where the test puts them).
 */
export function manualClock(): { now: () => number; advance(seconds: number): void; seconds(): number } {
  let current = Math.floor(Date.now() / 1000) * 1000;
  return {
    now: () => current,
    advance(seconds) {
      current += seconds * 1000;
    },
    seconds: () => Math.floor(current / 1000),
  };
}
