import type { AuthServer } from '@tokenward/issuer';

/** Verifier options trusting one server of the loopback reference issuer. */
export function trust(server: AuthServer): { issuer: string; audience: string } {
  return { issuer: server.issuer, audience: server.audience };
}

/** The same token with one character of its signature changed. */
export function tamper(token: string): string {
  const last = token.at(-2) === 'A' ? 'B' : 'A';
  return `${token.slice(0, -2)}${last}${token.at(-1)}`;
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}
