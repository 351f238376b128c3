/**
 * The verified-result cache never outlives the key that verified an entry, also when the key is
 * imported asynchronously (browsers, edge runtimes) and the key set changes during the import.
 */
import { sign } from 'node:crypto';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createAccessTokenCache, createAccessTokenPipeline } from '../../src/lib/access-token/pipeline.js';
import { createIssuerKeys } from '../../src/lib/keys/issuer-keys.js';
import { resolveVerifierOptions } from '../../src/lib/options/resolve.js';
import { nodeSignatures } from '../../src/lib/runtime/node/node-crypto.js';
import { nodeDigests } from '../../src/lib/runtime/node/node-digests.js';
import { nodeCodec } from '../../src/lib/runtime/node/node-runtime.js';
import type { SignaturePrimitive } from '../../src/runtime.js';
import { ISSUER, MockIdp } from './mock-idp.js';
import { keysConfig, manualClock, rejection, rsaKey, type TestRsaKey } from './support.js';

/** A bearer presentation with no per-call requirements (the pipeline's second argument). */
const BEARER = { checks: undefined, dpop: undefined };

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function tokenOf(key: TestRsaKey, nowSeconds: number): string {
  const input = `${segment({ alg: 'RS256', kid: key.kid })}.${segment({
    iss: ISSUER,
    sub: 'alice',
    aud: 'api://default',
    cid: 'client',
    iat: nowSeconds,
    exp: nowSeconds + 300,
  })}`;
  return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`;
}

it('does not serve from cache a token whose key left the key set while it was being imported', async () => {
  const first = rsaKey('k1');
  const second = rsaKey('k2');
  const idp = new MockIdp(server, [first]);
  const clock = manualClock();
  let releaseImport: () => void = () => {};
  const importGate = new Promise<void>((resolve) => {
    releaseImport = resolve;
  });
  let importStarted: () => void = () => {};
  const importing = new Promise<void>((resolve) => {
    importStarted = resolve;
  });
  // WebCrypto-like: the import of k1 completes only when the test says so.
  const signatures: SignaturePrimitive = {
    importKey: async (jwk, alg) => {
      if (jwk.n === first.jwk.n) {
        importStarted();
        await importGate;
      }
      return nodeSignatures.importKey(jwk, alg);
    },
    verify: (alg, key, input, signature) => nodeSignatures.verify(alg, key, input, signature),
  };
  const settings = resolveVerifierOptions({ issuer: ISSUER, audience: 'api://default', clock: clock.now });
  const keys = createIssuerKeys(keysConfig({ issuer: ISSUER, clock: clock.now, signatures }));
  const pipeline = createAccessTokenPipeline(
    settings,
    [{ ...settings.issuers[0]!, keys }],
    { signatures, codec: nodeCodec, digests: nodeDigests },
    createAccessTokenCache(settings),
  );
  const now = Math.floor(clock.now() / 1000);
  const oldToken = tokenOf(first, now);

  const pending = pipeline(oldToken, BEARER, false);
  // While k1 is being imported, the issuer rotates: k2 only. A token of k2 makes us see it.
  await importing;
  idp.keys = [second.jwk];
  await pipeline(tokenOf(second, now), BEARER, false);
  expect(keys.generation).toBe(2);
  releaseImport();
  // Verified with the key it had when the request began.
  await expect(pending).resolves.toMatchObject({ subject: 'alice' });

  // Asked again, k1 is gone: the answer comes from the current key set, not from the cache.
  const again = await rejection(Promise.resolve().then(() => pipeline(oldToken, BEARER, false)));
  expect(again.code).toBe('ERR_KEY_NOT_FOUND');
});
