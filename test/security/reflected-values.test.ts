/**
 * Values an attacker writes into a token (`kid`, `alg`, `typ`, `iss`, `aud`) come back in
 * refusals: quoted in `error_description`, in `WWW-Authenticate` and in the log line. Each row goes
 * over a real socket to an Express app and a Fastify app on port 0 in front of the lab's issuer,
 * and must get its code and status, a challenge within RFC 6750 section 3's grammar, no header the
 * token asked for, no token text in the answer, and (Express's `authErrorHandler`) one log line.
 * An issuer whose key set is served with line breaks is the 5xx twin: a generic answer, one line.
 */
import type { ErrorCode } from '@tokenward/core';
import { authErrorHandler, requireAuth } from '@tokenward/express';
import tokenward from '@tokenward/fastify';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createForge, type Forge } from './forge.js';
import { listenOnLoopback } from './http-apps.js';
import { AUDIENCE, LabServer, labKey } from './lab.js';

interface Row {
  readonly name: string;
  readonly req: string;
  readonly rfc: string;
  readonly path?: '/outage';
  readonly token: (forge: Forge) => string;
  readonly expect: { readonly status: number; readonly code: ErrorCode };
}

/** Quote, backslash, CR LF and a header line of its own: what a naive challenge would pass on. */
const INJECTION = '"\\\r\nX-Injected: 1';
/** NEL (a C1 control), the Unicode line separator and a non-ASCII letter: JSON.stringify keeps them. */
const LINE_BREAKS = '\u0085\u2028é';
/** How a row's name describes each (test names stay ASCII). */
const DESCRIBED = new Map([
  [INJECTION, 'a quote, a backslash, CR LF and a header line'],
  [LINE_BREAKS, 'NEL, U+2028 and a non-ASCII letter'],
  [INJECTION + LINE_BREAKS, 'a quote, a backslash, CR LF, NEL, U+2028 and a non-ASCII letter'],
]);
const described = (text: string) => DESCRIBED.get(text)!;
/** RFC 6750 section 3: attribute values hold %x20-21 / %x23-5B / %x5D-7E only. */
const VALUE = '"[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]*"';
const INVALID_TOKEN_CHALLENGE = new RegExp(
  `^Bearer realm=${VALUE}, error="invalid_token", error_description=${VALUE}$`,
);
const BARE_CHALLENGE = new RegExp(`^Bearer realm=${VALUE}$`);

const ROWS: readonly Row[] = [
  ...[INJECTION, LINE_BREAKS].map(
    (text): Row => ({
      name: `kid holding ${described(text)}`,
      req: 'BCP-10, BT-6',
      rfc: 'RFC 8725 section 3.10, RFC 6750 section 3',
      token: (forge) => forge.withHeader({ kid: `k1${text}` }),
      expect: { status: 401, code: 'ERR_KEY_NOT_FOUND' },
    }),
  ),
  {
    name: `alg holding ${described(INJECTION)}`,
    req: 'BCP-2, BT-6',
    rfc: 'RFC 7515 section 4.1.1, RFC 6750 section 3',
    token: (forge) => forge.withHeader({ alg: `RS256${INJECTION}` }),
    expect: { status: 401, code: 'ERR_ALG_NOT_ALLOWED' },
  },
  {
    name: `typ holding ${described(INJECTION + LINE_BREAKS)}`,
    req: 'AT-2, BT-6',
    rfc: 'RFC 9068 section 4, RFC 6750 section 3',
    token: (forge) => forge.withHeader({ typ: `at+jwt${INJECTION}${LINE_BREAKS}` }),
    expect: { status: 401, code: 'ERR_TYPE_INVALID' },
  },
  {
    name: `iss holding ${described(INJECTION + LINE_BREAKS)}`,
    req: 'AT-4, BT-6',
    rfc: 'RFC 9068 section 4, RFC 6750 section 3',
    token: (forge) => forge.withClaims({ iss: `${forge.issuer}${INJECTION}${LINE_BREAKS}` }),
    expect: { status: 401, code: 'ERR_ISSUER_MISMATCH' },
  },
  {
    name: `aud entries holding ${described(INJECTION + LINE_BREAKS)}`,
    req: 'AT-5, BT-6',
    rfc: 'RFC 9068 section 4, RFC 6750 section 3',
    token: (forge) => forge.withClaims({ aud: [`api://a${INJECTION}`, `api://b${LINE_BREAKS}`] }),
    expect: { status: 401, code: 'ERR_AUDIENCE_MISMATCH' },
  },
  {
    name: 'a valid token for an issuer whose key set is served with line breaks and a header line',
    req: 'BT-8, §4.13 error mapping',
    rfc: 'RFC 6750 section 3.1',
    path: '/outage',
    token: (forge) => forge.withClaims({ iss: outageIssuer }),
    expect: { status: 503, code: 'ERR_JWKS_INVALID' },
  },
];

interface Api {
  readonly url: string;
  close(): Promise<void>;
}

let lab: LabServer;
let outage: LabServer;
let outageIssuer: string;
let forge: Forge;
const apis = new Map<string, Api>();
/** Lines Express's `authErrorHandler` logged. */
const logged: string[] = [];

async function startExpress(): Promise<Api> {
  const app = express();
  const handler = (_req: express.Request, res: express.Response) => {
    res.json({ ok: true });
  };
  app.get('/orders', requireAuth({ issuer: lab.issuer, audience: AUDIENCE }), handler);
  app.get('/outage', requireAuth({ issuer: outage.issuer, audience: AUDIENCE }), handler);
  app.use(authErrorHandler({ log: (line) => logged.push(line) }));
  return listenOnLoopback(app);
}

async function startFastify(): Promise<Api> {
  const app = Fastify();
  for (const [path, issuer] of [
    ['/orders', lab.issuer],
    ['/outage', outage.issuer],
  ] as const) {
    await app.register(async (api) => {
      await api.register(tokenward, { issuer, audience: AUDIENCE });
      api.get(path, { config: { auth: {} } }, async () => ({ ok: true }));
    });
  }
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

beforeAll(async () => {
  const key = labKey('k1', 'RS256');
  lab = await LabServer.start([key]);
  outage = await LabServer.start([key]);
  outageIssuer = outage.issuer;
  outage.jwksAnswer = { status: 200, body: '{"keys":\nX-Forged: 1\r\n\u2028[' };
  forge = createForge(lab.issuer, key, labKey('rogue', 'RS256'));
  apis.set('Express', await startExpress());
  apis.set('Fastify', await startFastify());
});
afterAll(async () => {
  for (const api of apis.values()) await api.close();
  await lab.close();
  await outage.close();
});

describe.each(['Express', 'Fastify'])('values reflected from the token, %s', (adapter) => {
  it.each(ROWS.map((row) => [`[${row.req}] ${row.rfc}: ${row.name} -> ${row.expect.status}`, row] as const))(
    '%s',
    async (_title, row) => {
      const token = row.token(forge);
      const linesBefore = logged.length;
      const answer = await fetch(`${apis.get(adapter)!.url}${row.path ?? '/orders'}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = await answer.text();
      expect(answer.status).toBe(row.expect.status);
      expect(JSON.parse(body)).toMatchObject({ code: row.expect.code });
      const challenge = answer.headers.get('www-authenticate') ?? '';
      expect(challenge).toMatch(row.expect.status === 401 ? INVALID_TOKEN_CHALLENGE : BARE_CHALLENGE);
      expect(answer.headers.has('x-injected') || answer.headers.has('x-forged')).toBe(false);
      // Neither the token nor any segment of it comes back.
      const headers = JSON.stringify([...answer.headers]);
      for (const text of [token, ...token.split('.')]) {
        expect(body).not.toContain(text);
        expect(headers).not.toContain(text);
      }
      if (adapter !== 'Express') return;
      const lines = logged.slice(linesBefore);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^tokenward: GET \/\w+ \d{3} ERR_\w+: /);
      expect(lines[0]).not.toMatch(/[\p{Cc}\u2028\u2029]/u);
      for (const text of token.split('.')) expect(lines[0]).not.toContain(text);
    },
  );
});
