/**
 * The client side of a user sign-in against the reference issuer: authorization code + PKCE for
 * the pre-registered public client `spa-client`, following the authorize redirect the way a
 * browser would (the issuer signs its test user in without a page). Step-up parameters
 * (`acr_values`, `max_age`) come from the API's challenge, as an RFC 9470 client takes them.
 */
import { createHash, randomBytes } from 'node:crypto';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';

/** The attributes of a `WWW-Authenticate` challenge (quoted values, as tokenward sends them). */
export function challengeParameters(header: string | null): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const match of (header ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)) {
    parameters[match[1] as string] = match[2] as string;
  }
  return parameters;
}

/**
 * Signs the test user in at `issuer` and returns the access token. `stepUp` carries the
 * challenge's `acr_values` and `max_age` to the authorization request (RFC 9470 section 4).
 */
export async function signIn(
  issuer: string,
  scope: string,
  stepUp: { acr_values?: string; max_age?: string } = {},
): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(`${issuer}/v1/authorize`);
  for (const [name, value] of Object.entries({
    response_type: 'code',
    client_id: 'spa-client',
    redirect_uri: REDIRECT_URI,
    scope,
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...stepUp,
  })) {
    authorize.searchParams.set(name, value);
  }
  const redirect = await fetch(authorize, { redirect: 'manual' });
  const code = new URL(redirect.headers.get('location') ?? REDIRECT_URI).searchParams.get('code');
  if (redirect.status !== 302 || code === null) throw new Error(`authorize answered ${redirect.status}`);
  const response = await fetch(`${issuer}/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: 'spa-client',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    }),
  });
  if (response.status !== 200) throw new Error(`token answered ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}
