import { Agent } from 'undici';
import { describe, expect, it } from 'vitest';
import { createIdTokenVerifier, type IdTokenVerifierOptions, type Transport } from '../../src/index.js';
import * as nodeEntry from '../../src/node.js';
import { configErrorOf } from './support.js';

const ORG = 'https://acme.okta.com';
const BASE = { issuer: ORG, clientId: '0oa1spa' };

/** A transport that fails the test if construction fetches anything. */
const noFetch: Transport = {
  get(url) {
    throw new Error(`construction must not fetch; fetched ${url}`);
  },
};

const create = (options: unknown) => () => createIdTokenVerifier(options as IdTokenVerifierOptions);

describe('createIdTokenVerifier options (ERR_CONFIG at construction, naming the option)', () => {
  it('accepts the org server: SSO ID tokens are what it is for (DESIGN rule 3)', () => {
    const verifier = createIdTokenVerifier({ ...BASE, transport: noFetch });
    expect(verifier.issuer).toBe(ORG);
    expect(verifier.clientId).toBe('0oa1spa');
    expect(Object.isFrozen(verifier)).toBe(true);
  });

  it.each([
    'https://acme.okta.com/oauth2/default',
    'https://acme.okta.com/oauth2/aus9o8wzkhckw9TLa0h7z',
    'https://login.example.org/realms/main',
    'http://127.0.0.1:8080/oauth2/default',
  ])('accepts the issuer %s', (issuer) => {
    expect(createIdTokenVerifier({ issuer, clientId: 'c', transport: noFetch }).issuer).toBe(issuer);
  });

  it.each([
    [undefined, 'tokenward: options must be an object; found nothing'],
    [{ clientId: 'c' }, 'tokenward: `issuer` is required: the authorization server that signs the ID tokens'],
    [{ issuer: ORG }, "tokenward: `clientId` is required: this application's client id"],
    [{ ...BASE, clientId: '' }, 'tokenward: `clientId` must be a non-empty string; found ""'],
    [{ ...BASE, clientId: 7 }, 'tokenward: `clientId` must be a non-empty string; found number 7'],
    [{ ...BASE, trustedAudiences: 'api://default' }, '`trustedAudiences` must be an array of strings'],
    [{ ...BASE, trustedAudiences: [''] }, '`trustedAudiences[0]` must be a non-empty string'],
    [{ ...BASE, audience: 'api://default' }, 'unknown option `audience`; known options: issuer, clientId,'],
    [{ ...BASE, issuers: [] }, 'unknown option `issuers`'],
    [{ ...BASE, typ: 'at+jwt' }, 'unknown option `typ`'],
    [{ ...BASE, orgServerRules: false }, 'unknown option `orgServerRules`'],
    [{ ...BASE, resultCache: false }, 'unknown option `resultCache`'],
    [{ ...BASE, issuer: 'http://acme.okta.com' }, '`issuer` must use https'],
    [{ ...BASE, issuer: 'https://acme.okta.com/?tenant=1' }, 'issuer must be an http(s) URL without query'],
    [
      { ...BASE, algorithms: ['HS256'] },
      '`algorithms` may not contain "HS256": none and HS* are never accepted',
    ],
    [{ ...BASE, algorithms: [] }, '`algorithms` must not be empty'],
    [{ ...BASE, clockTolerance: 301 }, '`clockTolerance` must be a number of seconds from 0 to 300'],
    [{ ...BASE, maxTokenAge: 0 }, '`maxTokenAge` must be a number of seconds greater than 0'],
    [{ ...BASE, jwksUri: 'https://keys.example.com/jwks' }, '`jwksUri` is on https://keys.example.com'],
    [{ ...BASE, fetch: 'fetch' }, '`fetch` must be a function'],
    [{ ...BASE, fetch, transport: noFetch }, 'give either `fetch` or `transport`, not both'],
    [{ ...BASE, clock: 0 }, '`clock` must be a function'],
  ])('refuses %j', (options, message) => {
    const failure = configErrorOf(create(options));
    expect(failure.code).toBe('ERR_CONFIG');
    expect(failure.message).toContain(message);
  });

  it('accepts a jwksUri on another origin when that origin is allowed', () => {
    const verifier = createIdTokenVerifier({
      ...BASE,
      jwksUri: 'https://keys.example.com/jwks',
      allowedJwksOrigins: ['https://keys.example.com'],
      transport: noFetch,
    });
    expect(verifier.issuer).toBe(ORG);
  });
});

describe('createIdTokenVerifier in the Node entry', () => {
  it('takes an undici dispatcher for its discovery and JWKS requests', async () => {
    const dispatcher = new Agent();
    expect(nodeEntry.createIdTokenVerifier({ ...BASE, dispatcher }).issuer).toBe(ORG);
    await dispatcher.close();
  });

  it('refuses a dispatcher together with fetch or transport, and a dispatcher that is not one', async () => {
    const dispatcher = new Agent();
    expect(() => nodeEntry.createIdTokenVerifier({ ...BASE, dispatcher, transport: noFetch })).toThrow(
      /one of `dispatcher`, `fetch` or `transport`/,
    );
    const notADispatcher = {} as unknown as Agent;
    expect(() => nodeEntry.createIdTokenVerifier({ ...BASE, dispatcher: notADispatcher })).toThrow(
      /`dispatcher` must be an undici Dispatcher/,
    );
    await dispatcher.close();
  });
});
