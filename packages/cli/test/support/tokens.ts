/** Token helpers for the CLI tests. */
import { createServer } from 'node:net';
import { expect } from 'vitest';

/** Fails if any part of `token` shows up in `output` (the CLI must never echo a token). */
export function expectNoTokenIn(output: string, token: string): void {
  expect(output).not.toContain(token);
  for (const segment of token.split('.')) {
    if (segment.length >= 16) expect(output).not.toContain(segment.slice(0, 16));
  }
  expect(output).not.toContain(token.slice(-16));
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned JWT (`alg: none`) with these claims. */
export function unsignedToken(claims: Record<string, unknown>): string {
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;
}

/** A JWT with this header and these claims and a made-up signature: for commands that only decode. */
export function craftedToken(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  return `${encode(header)}.${encode(claims)}.c2lnbmF0dXJl`;
}

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
