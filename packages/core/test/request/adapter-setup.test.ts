import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  type AdapterAuthOptions,
  authenticateRequestNow,
  checkRoute,
  createAccessTokenVerifier,
  type RequestAuthentication,
  routeClaimRequirements,
  routeScopeRequirements,
  setUpAdapterAuth,
  verifierChallenge,
} from '../../src/node.js';
import { thrownBy } from './support.js';

let org: ReferenceIssuer;
let server: AuthServer;

beforeAll(async () => {
  org = await startIssuer({ port: 0, servers: ['default'] });
  server = org.server('default');
});
afterAll(() => org.close());

type Options = AccessTokenVerifierOptions & AdapterAuthOptions;

describe('setUpAdapterAuth', () => {
  it('builds the verifier from options once, with checked request options and requirements', () => {
    const create = vi.fn(createAccessTokenVerifier);
    const options: Options = {
      issuer: server.issuer,
      audience: server.audience,
      realm: 'orders',
      allowQuery: true,
      scopes: ['orders:read'],
    };
    const setup = setUpAdapterAuth<Options>(options, undefined, 'requireAuth', 'optional', create);
    expect(create).toHaveBeenCalledTimes(1);
    // The verifier gets its own options and the realm, not the adapter's.
    expect(create.mock.calls[0]?.[0]).toEqual({
      issuer: server.issuer,
      audience: server.audience,
      realm: 'orders',
    });
    expect(setup.verifier).toBe(create.mock.results[0]?.value);
    expect(setup.options).toMatchObject({ realm: 'orders', allowQuery: true, credentials: 'optional' });
    expect(setup.requirements).toMatchObject({ scopes: ['orders:read'] });
    expect(setup.challenge).toEqual({ realm: 'orders', resource: undefined, dpop: undefined });
  });

  it('adds the second argument to verifier options, winning over the same options there', () => {
    const create = vi.fn(createAccessTokenVerifier);
    const shared: Options = { issuer: server.issuer, audience: server.audience, scopes: ['orders:read'] };
    const setup = setUpAdapterAuth<Options>(
      shared,
      { scopes: ['orders:write'], allowQuery: true },
      'requireAuth',
      'required',
      create,
    );
    // A scope list given second is required, never dropped (it would let every token through).
    expect(setup.requirements).toMatchObject({ scopes: ['orders:write'] });
    expect(setup.options).toMatchObject({ allowQuery: true });
    expect(create.mock.calls[0]?.[0]).toEqual({ issuer: server.issuer, audience: server.audience });
    expect(shared.scopes).toEqual(['orders:read']);
  });

  it("takes a verifier as it is, the adapter's options from the second argument, and the verifier's realm", () => {
    const verifier = createAccessTokenVerifier({
      issuer: server.issuer,
      audience: server.audience,
      realm: 'api',
    });
    const create = vi.fn(createAccessTokenVerifier);
    const setup = setUpAdapterAuth<Options>(verifier, { allowBody: true }, 'requireAuth', 'required', create);
    expect(create).not.toHaveBeenCalled();
    expect(setup.verifier).toBe(verifier);
    expect(setup.options).toMatchObject({ allowBody: true, credentials: 'required' });
    expect(setup.requirements).toBeUndefined();
    expect(setup.challenge.realm).toBe('api');
  });

  it.each([
    [undefined, 'found undefined'],
    [null, 'found null'],
    ['https://issuer.example', 'found string'],
  ])('refuses %s, which is neither options nor a verifier, with ERR_CONFIG', (given, naming) => {
    const error = thrownBy(() =>
      setUpAdapterAuth(
        given as unknown as Options,
        undefined,
        'requireAuth',
        'required',
        createAccessTokenVerifier,
      ),
    );
    expect(error.code).toBe('ERR_CONFIG');
    expect(error.message).toContain(naming);
  });

  it('refuses verifier options beside a verifier, which would go unused, naming them', () => {
    const verifier = createAccessTokenVerifier({ issuer: server.issuer, audience: server.audience });
    const beside = { realm: 'orders', issuer: server.issuer, clockTolerance: 5 } as AdapterAuthOptions;
    const error = thrownBy(() =>
      setUpAdapterAuth<Options>(verifier, beside, 'requireAuth', 'required', createAccessTokenVerifier),
    );
    expect(error.code).toBe('ERR_CONFIG');
    expect(error.message).toBe(
      'tokenward: requireAuth: verifier options beside a verifier would go unused (issuer, clockTolerance); give them to createAccessTokenVerifier',
    );
    // The realm is the adapter's too, and an option set to undefined counts as absent.
    const realmOnly = { realm: 'orders', issuer: undefined } as AdapterAuthOptions;
    expect(
      setUpAdapterAuth<Options>(verifier, realmOnly, 'requireAuth', 'required', createAccessTokenVerifier)
        .challenge.realm,
    ).toBe('orders');
  });

  /** The message `requireAuth` set up from `given` (verifier options or a verifier) and `beside` fails with. */
  const requireAuthFailure = (given: Options | AccessTokenVerifier, beside?: Record<string, unknown>) =>
    thrownBy(() =>
      setUpAdapterAuth<Options>(
        given,
        beside as AdapterAuthOptions | undefined,
        'requireAuth',
        'required',
        createAccessTokenVerifier,
      ),
    ).message;

  it('refuses an unknown name beside a verifier as no option of the adapter, suggesting the close one', () => {
    const verifier = createAccessTokenVerifier({ issuer: server.issuer, audience: server.audience });
    const messageFor = (beside: Record<string, unknown>) => requireAuthFailure(verifier, beside);
    expect(messageFor({ scope: ['admin'] })).toBe(
      'tokenward: requireAuth: `scope` is not an option of requireAuth; did you mean `scopes`?',
    );
    // Case aside, at most two edits away; an unknown name is named before unused verifier options.
    expect(messageFor({ issuer: server.issuer, maxage: 60 })).toMatch(/`maxage` .*did you mean `maxAge`\?$/);
    expect(messageFor({ acr_values: ['phr'] })).toMatch(/did you mean `acrValues`\?$/);
    expect(messageFor({ colour: 'red' })).toBe(
      'tokenward: requireAuth: `colour` is not an option of requireAuth',
    );
  });

  it('refuses a typo among verifier options as no option of the adapter, suggesting from both kinds', () => {
    const messageFor = (given: Record<string, unknown>) =>
      requireAuthFailure({ issuer: server.issuer, audience: server.audience, ...given } as Options);
    // A requirement's name and a verifier option's are both taken here.
    expect(messageFor({ scope: ['admin'] })).toBe(
      'tokenward: requireAuth: `scope` is not an option of requireAuth; did you mean `scopes`?',
    );
    expect(messageFor({ clockTolerence: 5 })).toMatch(/did you mean `clockTolerance`\?$/);
    expect(messageFor({ colour: 'red' })).toBe(
      'tokenward: requireAuth: `colour` is not an option of requireAuth',
    );
  });

  it('refuses a bad adapter option with ERR_CONFIG naming the middleware and the option', () => {
    const verifier = createAccessTokenVerifier({ issuer: server.issuer, audience: server.audience });
    const bad = { corsPreflight: 'sometimes' } as unknown as AdapterAuthOptions;
    const error = thrownBy(() =>
      setUpAdapterAuth<Options>(verifier, bad, 'optionalAuth', 'optional', createAccessTokenVerifier),
    );
    expect(error.code).toBe('ERR_CONFIG');
    expect(error.message).toMatch(/optionalAuth.*corsPreflight/);
  });

  it('keeps one shared frozen state for anonymous requests and for preflights, a new one per verified token', async () => {
    const verifier = createAccessTokenVerifier({ issuer: server.issuer, audience: server.audience });
    const { stateOf, options, challenge } = setUpAdapterAuth<Options>(
      verifier,
      { corsPreflight: 'pass' },
      'optionalAuth',
      'optional',
      createAccessTokenVerifier,
    );
    const decide = (request: Parameters<typeof authenticateRequestNow>[1]) =>
      Promise.resolve(authenticateRequestNow(verifier, request, undefined, options));
    const anonymous = stateOf(await decide({ method: 'GET', url: '/orders', headers: {} }));
    const preflightHeaders = { origin: 'https://app.example', 'access-control-request-method': 'GET' };
    const preflight = stateOf(await decide({ method: 'OPTIONS', url: '/orders', headers: preflightHeaders }));
    expect(anonymous).toEqual({ challenge, result: undefined, preflight: false });
    expect(preflight).toEqual({ challenge, result: undefined, preflight: true });
    expect(stateOf({ kind: 'anonymous' })).toBe(anonymous);
    expect([Object.isFrozen(anonymous), Object.isFrozen(preflight)]).toEqual([true, true]);
    const token = await server.mintAccessToken({ sub: 'alice' });
    const outcome: RequestAuthentication = await decide({
      method: 'GET',
      url: '/orders',
      headers: { authorization: `Bearer ${token}` },
    });
    const verified = stateOf(outcome);
    expect(verified).toMatchObject({ challenge, preflight: false, result: { subject: 'alice' } });
    expect(stateOf(outcome)).not.toBe(verified);
  });
});

describe('verifierChallenge', () => {
  it("is the set-up's challenge for that verifier: its realm or the given one, its resource and its DPoP settings", () => {
    const verifier = createAccessTokenVerifier({
      issuer: server.issuer,
      resource: 'https://mcp.example.com/mcp',
      dpop: { mode: 'allowed', origins: ['https://mcp.example.com'], algorithms: ['ES256'] },
    });
    const challenge = { realm: 'api', resource: 'https://mcp.example.com/mcp', dpop: verifier.dpop };
    expect(verifierChallenge(verifier)).toEqual(challenge);
    expect(verifier.dpop).toEqual({ mode: 'allowed', algorithms: ['ES256'] });
    expect(verifierChallenge(verifier, 'orders')).toEqual({ ...challenge, realm: 'orders' });
    const setup = setUpAdapterAuth<Options>(
      verifier,
      { realm: 'orders' },
      'requireAuth',
      'required',
      vi.fn(),
    );
    expect(setup.challenge).toEqual(verifierChallenge(verifier, 'orders'));
  });
});

describe('route checks', () => {
  let verifier: AccessTokenVerifier;
  beforeAll(() => {
    verifier = createAccessTokenVerifier({ issuer: server.issuer, audience: server.audience, realm: 'api' });
  });
  const challenge = { realm: 'api' };

  it('refuses an omitted scope list or claim set, and bad ones, with ERR_CONFIG at set-up', () => {
    const noScopes = thrownBy(() => routeScopeRequirements(undefined as unknown as string[]));
    expect([noScopes.code, noScopes.message]).toEqual([
      'ERR_CONFIG',
      'tokenward: requireScopes: `scopes` is required; found nothing',
    ]);
    expect(thrownBy(() => routeScopeRequirements(['has space'])).message).toMatch(
      /^tokenward: requireScopes/,
    );
    const noClaims = thrownBy(() => routeClaimRequirements(undefined as unknown as Record<string, string>));
    expect(noClaims.message).toBe('tokenward: requireClaims: `claims` is required; found nothing');
    expect(routeScopeRequirements(['orders:read'], 'any')).toEqual({
      scopes: ['orders:read'],
      scopeMatch: 'any',
    });
  });

  it('passes a token with the scopes, refuses one without them with 403 in the kept challenge', async () => {
    const requirements = routeScopeRequirements(['orders:read']);
    const withScope = await verifier.verify(await server.mintAccessToken({ scp: ['orders:read'] }));
    const withoutScope = await verifier.verify(await server.mintAccessToken({ scp: [] }));
    expect(
      checkRoute('requireScopes()', { challenge, result: withScope, preflight: false }, requirements),
    ).toBe(undefined);
    const refused = thrownBy(() =>
      checkRoute('requireScopes()', { challenge, result: withoutScope, preflight: false }, requirements),
    );
    expect([refused.status, refused.headers['WWW-Authenticate']]).toEqual([
      403,
      expect.stringMatching(/^Bearer realm="api", error="insufficient_scope"/),
    ]);
  });

  it('lets a passed-on preflight through, and refuses an anonymous request with 401 ERR_TOKEN_MISSING', () => {
    const requirements = routeClaimRequirements({ tenant: 'acme' });
    expect(
      checkRoute('requireClaims()', { challenge, result: undefined, preflight: true }, requirements),
    ).toBe(undefined);
    const anonymous = thrownBy(() =>
      checkRoute('requireClaims()', { challenge, result: undefined, preflight: false }, requirements),
    );
    expect([anonymous.code, anonymous.status]).toEqual(['ERR_TOKEN_MISSING', 401]);
  });

  it('refuses a request no auth middleware kept a state for with ERR_CONFIG naming the check', () => {
    const error = thrownBy(() => checkRoute('requireScopes()', undefined, routeScopeRequirements(['a'])));
    expect(error.code).toBe('ERR_CONFIG');
    expect(error.message).toBe(
      'tokenward: requireScopes() found no verified token on the request: mount requireAuth() or optionalAuth() before it',
    );
  });
});
