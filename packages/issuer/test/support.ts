import { createHash, randomBytes } from 'node:crypto';

export function basicAuth(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
}

export function postForm(url: string, params: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params).toString(),
  });
}

/** RFC 7636 §4.1-4.2: a fresh verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Decodes the payload of a compact JWS without verifying it. */
export function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

export const SPA_REDIRECT_URI = 'http://localhost:5173/callback';

/**
 * Runs the authorize step for the SPA client against a server's authorization endpoint and
 * returns the redirect's query (`code`, or `error`), with the PKCE verifier to redeem the code.
 */
export async function authorizeSpa(
  authorizationEndpoint: string,
  extra: Record<string, string> = {},
): Promise<{ query: URLSearchParams; verifier: string }> {
  const { verifier, challenge } = pkcePair();
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: 'spa-client',
    redirect_uri: SPA_REDIRECT_URI,
    scope: 'openid',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  });
  const response = await fetch(`${authorizationEndpoint}?${params}`, { redirect: 'manual' });
  if (response.status !== 302) throw new Error(`authorize answered ${response.status}`);
  return { query: new URL(response.headers.get('location') ?? '').searchParams, verifier };
}

/** Redeems a SPA authorization code at a token endpoint. */
export function redeemSpaCode(
  tokenEndpoint: string,
  code: string,
  verifier: string,
  extra: Record<string, string> = {},
  headers: Record<string, string> = {},
) {
  return postForm(
    tokenEndpoint,
    {
      grant_type: 'authorization_code',
      client_id: 'spa-client',
      code,
      redirect_uri: SPA_REDIRECT_URI,
      code_verifier: verifier,
      ...extra,
    },
    headers,
  );
}
