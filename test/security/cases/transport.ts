/**
 * Discovery and transport faults, injected by the reference issuer: a server that cannot hand
 * over its keys right now is a 503 with `Retry-After` (the token may be fine), never a 401, and
 * a document that names another issuer or points keys elsewhere is never used (RFC 8414 §3.3,
 * OpenID Connect Discovery §4.3, RFC 8725 §3.10).
 */
import type { ErrorCode } from '@tokenward/core';
import type { Fault } from '@tokenward/issuer';

export interface TransportCase {
  readonly name: string;
  readonly rfc: string;
  readonly req: string;
  readonly expect: ErrorCode | 'accepted';
  /** The fault, given the issuer's origin and its `default` server's issuer. */
  readonly fault: (origin: string, issuer: string) => Fault;
}

const HUGE = 'x'.repeat(600 * 1024);

const discovery = (
  name: string,
  expect: ErrorCode,
  fault: (origin: string, issuer: string) => Omit<Fault, 'endpoint'>,
  rfc = 'RFC 8414 §3, OIDC Discovery §4',
  req = 'MD-3, MD-7',
): TransportCase => ({
  name: `discovery ${name}`,
  rfc,
  req,
  expect,
  fault: (o, i) => ({ endpoint: 'discovery', ...fault(o, i) }),
});

const jwks = (
  name: string,
  expect: ErrorCode,
  fault: (origin: string) => Omit<Fault, 'endpoint'>,
  rfc = 'RFC 7517 §5, RFC 8414 §2',
  req = 'AT-9, MD-6',
): TransportCase => ({
  name: `JWKS ${name}`,
  rfc,
  req,
  expect,
  fault: (o) => ({ endpoint: 'jwks', ...fault(o) }),
});

const metadata = (issuer: string, jwksUri: string) => JSON.stringify({ issuer, jwks_uri: jwksUri });

export const transportFamilies = {
  'discovery faults (503)': [
    ...[500, 502, 503, 429].map((status) =>
      discovery(`answers ${status}`, 'ERR_DISCOVERY_FAILED', () => ({ status })),
    ),
    discovery('resets the connection', 'ERR_DISCOVERY_FAILED', () => ({ reset: true })),
    discovery('never answers (httpTimeout 1 s)', 'ERR_DISCOVERY_FAILED', () => ({ delayMs: 'never' })),
    discovery('answers with garbage', 'ERR_DISCOVERY_FAILED', () => ({ body: '{"issuer":' })),
    discovery('answers with a JSON array', 'ERR_DISCOVERY_FAILED', () => ({ body: '[]' })),
    discovery('answers with HTML', 'ERR_DISCOVERY_FAILED', () => ({
      body: '<html></html>',
      contentType: 'text/html',
    })),
    discovery('answers with 600 KiB', 'ERR_DISCOVERY_FAILED', () => ({ body: HUGE })),
    discovery('redirects to another host', 'ERR_DISCOVERY_FAILED', () => ({
      redirectTo: 'https://attacker.example/.well-known/openid-configuration',
    })),
    discovery(
      'names another issuer',
      'ERR_DISCOVERY_ISSUER_MISMATCH',
      () => ({ issuer: 'https://attacker.example/oauth2/default' }),
      'RFC 8414 §3.3, OIDC Discovery §4.3',
      'MD-4, MD-5',
    ),
    discovery(
      'names the issuer with a trailing slash',
      'ERR_DISCOVERY_ISSUER_MISMATCH',
      (_o, issuer) => ({ issuer: `${issuer}/` }),
      'RFC 8414 §3.3',
      'MD-4',
    ),
    discovery(
      'points jwks_uri at another origin',
      'ERR_DISCOVERY_FAILED',
      (_o, issuer) => ({ body: metadata(issuer, 'https://attacker.example/keys') }),
      'RFC 8725 §3.10',
      'BCP-10',
    ),
    discovery(
      'points jwks_uri at plain http off loopback',
      'ERR_DISCOVERY_FAILED',
      (_o, issuer) => ({ body: metadata(issuer, 'http://attacker.example/keys') }),
      'OIDC Discovery §7.1',
      'MD-7',
    ),
    discovery(
      'points jwks_uri at a file: URL',
      'ERR_DISCOVERY_FAILED',
      (_o, issuer) => ({ body: metadata(issuer, 'file:///etc/passwd') }),
      'RFC 8725 §3.10',
      'BCP-10',
    ),
    discovery(
      'has no jwks_uri',
      'ERR_DISCOVERY_FAILED',
      (_o, issuer) => ({ body: JSON.stringify({ issuer }) }),
      'OIDC Discovery §3',
      'MD-6',
    ),
  ],
  'JWKS transport faults (503)': [
    ...[500, 502, 503, 429, 404, 410, 403].map((status) =>
      jwks(`answers ${status}`, 'ERR_JWKS_FETCH_FAILED', () => ({ status })),
    ),
    jwks('resets the connection', 'ERR_JWKS_FETCH_FAILED', () => ({ reset: true })),
    jwks('never answers (httpTimeout 1 s)', 'ERR_JWKS_FETCH_FAILED', () => ({ delayMs: 'never' })),
    jwks('redirects to another host', 'ERR_JWKS_FETCH_FAILED', () => ({
      redirectTo: 'https://attacker.example/keys',
    })),
    jwks('answers with garbage', 'ERR_JWKS_INVALID', () => ({ body: '{"keys":[' })),
    jwks('answers with HTML', 'ERR_JWKS_INVALID', () => ({
      body: '<html></html>',
      contentType: 'text/html',
    })),
    jwks('answers with 600 KiB', 'ERR_JWKS_INVALID', () => ({ body: HUGE })),
    jwks('answers with an empty key list', 'ERR_JWKS_INVALID', () => ({ body: '{"keys":[]}' })),
  ],
} satisfies Record<string, TransportCase[]>;
