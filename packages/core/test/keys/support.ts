import { generateKeyPairSync, type JsonWebKey, type KeyObject, sign } from 'node:crypto';
import { isTokenwardError, type TokenwardError } from '../../src/errors.js';
import type { TokenwardEvent } from '../../src/events.js';
import { type IssuerKeysConfig, KEY_DEFAULTS } from '../../src/lib/keys/issuer-keys.js';
import { nodeSignatures } from '../../src/lib/runtime/node/node-crypto.js';
import { createFetchTransport } from '../../src/lib/runtime/portable/fetch-transport.js';

/** A clock the test moves by hand (epoch ms). */
export function manualClock(start = Date.UTC(2030, 0, 1)) {
  let now = start;
  return {
    now: () => now,
    advanceSeconds(seconds: number) {
      now += seconds * 1000;
    },
  };
}

export interface TestRsaKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  /** Public JWK as an issuer would publish it. */
  readonly jwk: JsonWebKey & { kid: string; alg: string; use: string };
}

export function rsaKey(kid: string, modulusLength = 2048): TestRsaKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
}

/** Checks that a resolved key verifies what `key` signed, i.e. it is really that key. */
export function signsWith(key: TestRsaKey, resolved: unknown): boolean {
  const input = `header.${key.kid}`;
  const signature = sign('sha256', Buffer.from(input), key.privateKey);
  return nodeSignatures.verify('RS256', resolved, input, signature) === true;
}

/** Config for one issuer with the defaults, the fetch transport (msw sees it) and an event log. */
export function keysConfig(
  overrides: Partial<IssuerKeysConfig> & Pick<IssuerKeysConfig, 'issuer' | 'clock'>,
): IssuerKeysConfig & { events: TokenwardEvent[] } {
  const events: TokenwardEvent[] = [];
  return {
    ...KEY_DEFAULTS,
    allowedJwksOrigins: [],
    transport: createFetchTransport(),
    signatures: nodeSignatures,
    algorithms: ['RS256'],
    onEvent: (event) => events.push(event),
    events,
    ...overrides,
  };
}

export function eventsOfType<T extends TokenwardEvent['type']>(events: readonly TokenwardEvent[], type: T) {
  return events.filter((event): event is Extract<TokenwardEvent, { type: T }> => event.type === type);
}

/** The TokenwardError `promise` rejects with; fails the test when it resolves or rejects with anything else. */
export async function rejection(promise: Promise<unknown>): Promise<TokenwardError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!isTokenwardError(error)) throw new Error(`expected a TokenwardError, got ${String(error)}`);
  return error;
}
