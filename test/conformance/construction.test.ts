/**
 * The same misconfiguration, given to every adapter where it takes options, must throw
 * `ERR_CONFIG` naming the bad option there: when the middleware, plugin, route, handler or MCP
 * verifier is set up, never at the first request (where it would be a 500 or, worse, a route
 * quietly left without its check). No I/O: building a verifier fetches nothing.
 */
import { createAccessTokenVerifier, withAuth, withOptionalAuth } from '@tokenward/core';
import { optionalAuth as expressOptionalAuth, requireAuth as expressRequireAuth } from '@tokenward/express';
import tokenward from '@tokenward/fastify';
import { optionalAuth as honoOptionalAuth, requireAuth as honoRequireAuth } from '@tokenward/hono';
import { mcpTokenVerifier } from '@tokenward/mcp';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';

type Options = Record<string, unknown>;
/** What a place takes, and so which misconfigurations it can be given. */
type Takes = 'verifier' | 'request options' | 'requirements';

interface Misconfiguration {
  readonly name: string;
  readonly given: Takes;
  readonly options: Options;
  /** The option the message must name. */
  readonly names: string;
}

const misconfigurations: readonly Misconfiguration[] = [
  {
    name: 'a verifier option beside a verifier',
    given: 'verifier',
    options: { issuer: 'https://acme.example.com/oauth2/other' },
    names: 'issuer',
  },
  { name: 'an unknown option', given: 'request options', options: { alowQuery: true }, names: 'alowQuery' },
  {
    name: 'a realm that cannot be quoted (BT-6)',
    given: 'request options',
    options: { realm: 'a"b' },
    names: 'realm',
  },
  {
    name: 'allowQuery that is not a boolean (BT-5)',
    given: 'request options',
    options: { allowQuery: 'yes' },
    names: 'allowQuery',
  },
  {
    name: 'allowBody that is not a boolean',
    given: 'request options',
    options: { allowBody: 1 },
    names: 'allowBody',
  },
  { name: 'scopes as a string', given: 'requirements', options: { scopes: 'orders:read' }, names: 'scopes' },
  {
    name: 'a scope that is no scope token',
    given: 'requirements',
    options: { scopes: ['orders read'] },
    names: 'scopes',
  },
  {
    name: 'scopeMatch neither all nor any',
    given: 'requirements',
    options: { scopes: ['orders:read'], scopeMatch: 'some' },
    names: 'scopeMatch',
  },
  { name: 'claims naming no claim', given: 'requirements', options: { claims: {} }, names: 'claims' },
  {
    name: 'a claim requirement of the wrong type',
    given: 'requirements',
    options: { claims: { tier: null } },
    names: 'claims',
  },
  { name: 'a negative maxAge', given: 'requirements', options: { maxAge: -1 }, names: 'maxAge' },
  {
    name: 'a misspelt requirement',
    given: 'requirements',
    options: { scope: ['orders:read'] },
    names: 'scope',
  },
];

const trust = { issuer: 'https://acme.example.com/oauth2/default', audience: 'api://default' };
const verifier = createAccessTokenVerifier(trust);
const handler = () => new Response('ok');
const express = { requireAuth: expressRequireAuth, optionalAuth: expressOptionalAuth };
const hono = { requireAuth: honoRequireAuth, optionalAuth: honoOptionalAuth };

interface Place {
  readonly name: string;
  readonly takes: readonly Takes[];
  /** Sets the place up with `options`; what it returns is awaited (Fastify registers asynchronously). */
  build(options: Options): unknown;
}

const places: readonly Place[] = [
  ...(['requireAuth', 'optionalAuth'] as const).flatMap((name): Place[] => [
    {
      name: `Express ${name}(verifier, options)`,
      takes: ['verifier', 'request options', 'requirements'],
      build: (options) => express[name](verifier, options),
    },
    {
      name: `Express ${name}({ ...verifierOptions, ...options })`,
      takes: ['request options', 'requirements'],
      build: (options) => express[name]({ ...trust, ...options }),
    },
    {
      name: `Hono ${name}(verifier, options)`,
      takes: ['verifier', 'request options', 'requirements'],
      build: (options) => hono[name](verifier, options),
    },
    {
      name: `Hono ${name}({ ...verifierOptions, ...options })`,
      takes: ['request options', 'requirements'],
      build: (options) => hono[name]({ ...trust, ...options }),
    },
  ]),
  {
    name: 'Fastify register(tokenward, { verifier, ...options })',
    takes: ['verifier', 'request options'],
    build: (options) => Fastify().register(tokenward, { verifier, ...options }),
  },
  {
    name: 'Fastify register(tokenward, { ...verifierOptions, ...options })',
    takes: ['request options'],
    build: (options) => Fastify().register(tokenward, { ...trust, ...options }),
  },
  {
    name: 'Fastify route config.auth',
    takes: ['requirements'],
    async build(options) {
      const app = Fastify();
      await app.register(tokenward, { verifier });
      app.get('/orders', { config: { auth: options } }, async () => 'ok');
    },
  },
  ...(['requireAuth', 'optionalAuth'] as const).map(
    (name): Place => ({
      name: `Fastify fastify.${name}(requirements)`,
      takes: ['requirements'],
      async build(options) {
        const app = Fastify();
        await app.register(tokenward, { verifier });
        app[name](options);
      },
    }),
  ),
  ...[withAuth, withOptionalAuth].flatMap((wrap): Place[] => [
    {
      name: `Fetch ${wrap.name}(verifier, handler, undefined, options)`,
      takes: ['request options'],
      build: (options) => wrap(verifier, handler, undefined, options),
    },
    {
      name: `Fetch ${wrap.name}(verifier, handler, requirements)`,
      takes: ['requirements'],
      build: (options) => wrap(verifier, handler, options),
    },
  ]),
  {
    name: 'MCP mcpTokenVerifier(verifier, requirements)',
    takes: ['requirements'],
    build: (options) => mcpTokenVerifier(verifier, options),
  },
];

// Titles as plain strings: vitest shortens the members of an object row in a test's name.
const rows = places.flatMap((place) =>
  misconfigurations
    .filter((misconfiguration) => place.takes.includes(misconfiguration.given))
    .map((misconfiguration) => [`${place.name}: ${misconfiguration.name}`, misconfiguration, place] as const),
);

/** What setting up threw (or rejected with), or `undefined` when it went through. */
async function setUpError(build: () => unknown): Promise<unknown> {
  try {
    await build();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('every adapter refuses a misconfiguration where it is set up, with ERR_CONFIG naming the option', () => {
  it.each(places.map((place) => [place.name, place] as const))(
    '%s sets up with good options (the control)',
    async (_, { takes, build }) => {
      const good = takes.includes('requirements') ? { scopes: ['orders:read'] } : { realm: 'orders' };
      expect(await setUpError(() => build(good))).toBeUndefined();
    },
  );

  it.each(rows)('%s', async (_, { options, names }, { build }) => {
    const error = await setUpError(() => build(options));

    expect(error).toMatchObject({ name: 'TokenwardError', code: 'ERR_CONFIG' });
    expect((error as Error).message).toMatch(new RegExp(`\\b${names}\\b`));
  });
});

// Beside a verifier only the adapter's options count: the message tells a verifier option there
// (it would go unused) from a name that is no option at all (a typo, with the option it is close to).
describe('beside a verifier, a verifier option goes unused and an unknown name is no option of the adapter', () => {
  const messageOf = async (build: () => unknown) => ((await setUpError(build)) as Error).message;

  it.each(
    places.filter((place) => place.takes.includes('verifier')).map((place) => [place.name, place] as const),
  )('%s', async (_, { takes, build }) => {
    expect(await messageOf(() => build({ issuer: trust.issuer }))).toMatch(
      /: verifier options beside a verifier would go unused \(issuer\); give them to createAccessTokenVerifier$/,
    );
    expect(await messageOf(() => build({ alowQuery: true }))).toMatch(
      /: `alowQuery` is not an option of \S+; did you mean `allowQuery`\?$/,
    );
    expect(await messageOf(() => build({ colour: 'red' }))).toMatch(/: `colour` is not an option of \S+$/);
    if (takes.includes('requirements')) {
      expect(await messageOf(() => build({ scope: ['orders:read'] }))).toMatch(
        /: `scope` is not an option of (requireAuth|optionalAuth); did you mean `scopes`\?$/,
      );
    }
  });
});
