/**
 * A single-page app signing a user in with OpenID Connect: authorization code + PKCE (RFC 7636)
 * against the issuer, then the ID token verified in the browser with `createIdTokenVerifier`
 * (discovery and keys fetched by the page). It shows the profile, or the code of the refusal.
 *
 * `?scenario=` picks a fault: after the real sign-in, the page swaps the ID token for a bad one
 * (tampered here, or minted by the test server's `/test/id-token`) and must refuse it.
 */
import { createIdTokenVerifier, type IdTokenResult, isTokenwardError } from '@tokenward/core';

interface PageConfig {
  readonly issuer: string;
  readonly clientId: string;
}

interface PendingSignIn {
  readonly scenario: string;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

interface TokenResponse {
  readonly id_token: string;
  readonly access_token: string;
}

const PENDING_KEY = 'tokenward-demo-sign-in';
const MAX_AGE_SECONDS = 300;

function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`page has no #${id}`);
  return element;
}

function setStatus(state: 'verified' | 'refused' | 'failed', text: string): void {
  const status = byId('status');
  status.dataset.state = state;
  status.textContent = text;
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function randomString(bytes: number): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url} answered ${response.status}`);
  return (await response.json()) as T;
}

/** The endpoints the issuer publishes (OpenID Connect Discovery §4). */
function metadataOf(config: PageConfig) {
  return getJson<{ authorization_endpoint: string; token_endpoint: string }>(
    `${config.issuer}/.well-known/openid-configuration`,
  );
}

async function startSignIn(config: PageConfig, scenario: string): Promise<void> {
  const pending: PendingSignIn = {
    scenario,
    state: randomString(16),
    nonce: randomString(16),
    codeVerifier: randomString(32),
  };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(pending.codeVerifier));
  const authorize = new URL((await metadataOf(config)).authorization_endpoint);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: `${location.origin}/callback`,
    scope: 'openid profile email',
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: base64url(new Uint8Array(digest)),
    code_challenge_method: 'S256',
  }).toString();
  location.assign(authorize.href);
}

async function finishSignIn(config: PageConfig, callback: URL): Promise<void> {
  const stored = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const pending = stored === null ? undefined : (JSON.parse(stored) as PendingSignIn);
  const params = callback.searchParams;
  if (pending === undefined || params.get('state') !== pending.state) {
    return setStatus('failed', 'The sign-in response does not answer this page’s request (state).');
  }
  // RFC 9207: the response names the issuer it comes from, defeating mix-up attacks.
  if (params.get('iss') !== config.issuer)
    return setStatus('failed', 'The sign-in response names another issuer.');
  const code = params.get('code');
  if (code === null) return setStatus('failed', `Sign-in failed: ${params.get('error') ?? 'no code'}`);
  history.replaceState(null, '', '/callback');

  const tokens = await getJson<TokenResponse>((await metadataOf(config)).token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.clientId,
      code,
      redirect_uri: `${location.origin}/callback`,
      code_verifier: pending.codeVerifier,
    }),
  });
  const idToken = await idTokenFor(pending, tokens);
  const verifier = createIdTokenVerifier({ issuer: config.issuer, clientId: config.clientId });
  try {
    const result = await verifier.verify(idToken, {
      nonce: pending.nonce,
      accessToken: tokens.access_token,
      maxAge: MAX_AGE_SECONDS,
    });
    showProfile(result);
  } catch (error) {
    if (!isTokenwardError(error)) throw error;
    byId('error-code').textContent = error.code;
    byId('error-message').textContent = error.message;
    byId('error').hidden = false;
    setStatus('refused', 'The ID token was refused.');
  }
}

/** The token the scenario verifies: the one received, or a deliberately bad one. */
async function idTokenFor(pending: PendingSignIn, tokens: TokenResponse): Promise<string> {
  if (pending.scenario === 'valid') return tokens.id_token;
  if (pending.scenario === 'tampered') return withChangedName(tokens.id_token, 'Mallory');
  const { idToken } = await getJson<{ idToken: string }>('/test/id-token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ fault: pending.scenario, nonce: pending.nonce, accessToken: tokens.access_token }),
  });
  return idToken;
}

/** The token with its payload's `name` rewritten and the original signature kept. */
function withChangedName(token: string, name: string): string {
  const [header, payload, signature] = token.split('.');
  const binary = atob((payload ?? '').replace(/-/g, '+').replace(/_/g, '/'));
  const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0))));
  const changed = new TextEncoder().encode(JSON.stringify({ ...claims, name }));
  return `${header}.${base64url(changed)}.${signature}`;
}

function showProfile(result: IdTokenResult): void {
  const rows: Array<[string, string]> = [
    ['Name', result.profile.name ?? ''],
    ['Email', result.profile.email ?? ''],
    ['Email verified', result.profile.emailVerified === true ? 'yes' : 'no'],
    ['Username', result.profile.preferredUsername ?? ''],
    ['Subject', result.subject],
    ['Issuer', result.issuer],
    ['Signed in', result.authTime?.toISOString() ?? ''],
  ];
  const list = byId('profile');
  for (const [term, value] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.textContent = value;
    dd.dataset.field = term.toLowerCase().replace(/ /g, '-');
    list.append(dt, dd);
  }
  list.hidden = false;
  setStatus('verified', `Signed in as ${result.profile.name ?? result.subject}`);
}

async function main(): Promise<void> {
  const config = await getJson<PageConfig>('/config.json');
  const here = new URL(location.href);
  if (here.pathname === '/callback') return finishSignIn(config, here);
  return startSignIn(config, here.searchParams.get('scenario') ?? 'valid');
}

main().catch((error: unknown) => {
  setStatus('failed', `Unexpected failure: ${error instanceof Error ? error.message : String(error)}`);
});
