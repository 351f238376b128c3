import type { AccessTokenResult } from '@tokenward/core';
import { createAccessTokenVerifier, isTokenwardError, type TokenwardError } from '@tokenward/core';
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolRequirementsCheck, withAuthInfo } from '../src/index.js';

const RESOURCE = 'https://mcp.example.com/mcp';
const METADATA = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
let org: ReferenceIssuer;

beforeAll(async () => {
  org = await startIssuer({ port: 0 });
});
afterAll(() => org.close());

const verifier = () =>
  createAccessTokenVerifier({ issuer: org.server('default').issuer, resource: RESOURCE });
const call = (name: string, id = 1) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name } });
const refusalOf = (run: () => unknown): TokenwardError => {
  try {
    run();
  } catch (error) {
    if (isTokenwardError(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

async function verified(scopes: string[]): Promise<AccessTokenResult> {
  const token = await org.server('default').mintAccessToken({ aud: RESOURCE, scp: scopes });
  return verifier().verify(token);
}

describe('toolRequirementsCheck', () => {
  const tools = { refund_order: { scopes: ['mcp:tools', 'orders:refund'] } };

  it('PR-7: a call of a listed tool without its scope is 403 with the tool scopes and the metadata URL', async () => {
    const check = toolRequirementsCheck(verifier(), tools);
    const error = refusalOf(() => check(call('refund_order'), undefined));
    expect(error.code).toBe('ERR_TOKEN_MISSING');
    const auth = await verified(['mcp:tools']);
    const scopeError = refusalOf(() => check(call('refund_order'), auth));
    expect(scopeError.status).toBe(403);
    expect(scopeError.headers['WWW-Authenticate']).toMatch(
      new RegExp(`scope="mcp:tools orders:refund", resource_metadata="${METADATA}"$`),
    );
  });

  it("BT-6, PR-7: names the endpoint's realm when given, as its requireAuth's realm option would", async () => {
    const check = toolRequirementsCheck(verifier(), tools, { realm: 'orders-mcp' });
    const auth = await verified(['mcp:tools']);
    expect(refusalOf(() => check(call('refund_order'), auth)).headers['WWW-Authenticate']).toMatch(
      /^Bearer realm="orders-mcp", error="insufficient_scope", /,
    );
    expect(refusalOf(() => check(call('refund_order'), undefined)).headers['WWW-Authenticate']).toMatch(
      /^Bearer realm="orders-mcp", scope=/,
    );
    expect(() => toolRequirementsCheck(verifier(), tools, { realm: 'a"b' })).toThrow(
      /^tokenward: toolRequirementsCheck: `realm` must be printable ASCII/,
    );
    expect(() => toolRequirementsCheck(verifier(), tools, { allowQuery: true } as never)).toThrow(
      /^tokenward: toolRequirementsCheck: `allowQuery` is not an option here/,
    );
  });

  it('checks every message of a batch, and lets other methods and unlisted tools through', async () => {
    const check = toolRequirementsCheck(verifier(), tools);
    const auth = await verified(['mcp:tools']);
    expect(() => check({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, auth)).not.toThrow();
    expect(() => check(call('whoami'), auth)).not.toThrow();
    expect(() => check('not json-rpc', auth)).not.toThrow();
    expect(refusalOf(() => check([call('whoami', 1), call('refund_order', 2)], auth)).status).toBe(403);
    expect(() => check(call('refund_order'), auth)).toThrow();
    expect(() => check(call('refund_order'), undefined)).toThrow();
  });

  it('lets a call through whose token has the tool scopes', async () => {
    const check = toolRequirementsCheck(verifier(), tools);
    expect(() => check(call('refund_order'), undefined)).toThrow();
    const auth = await verified(['mcp:tools', 'orders:refund']);
    expect(() => check(call('refund_order'), auth)).not.toThrow();
  });

  it('DP-4, SU-1: with a verifier that takes DPoP, a tool refusal names both schemes, as the endpoint does', async () => {
    const dpopVerifier = createAccessTokenVerifier({
      issuer: org.server('default').issuer,
      resource: RESOURCE,
      dpop: { mode: 'allowed', origins: ['https://mcp.example.com'], algorithms: ['ES256'] },
    });
    const check = toolRequirementsCheck(dpopVerifier, {
      ...tools,
      wire_money: { acrValues: ['urn:tokenward:loa:2'] },
    });
    const token = await org.server('default').mintAccessToken({ aud: RESOURCE, scp: ['mcp:tools'] });
    const auth = await dpopVerifier.verify(token);
    const stepUp = refusalOf(() => check(call('wire_money'), auth));
    expect(stepUp.status).toBe(401);
    expect(stepUp.headers['WWW-Authenticate']).toMatch(
      new RegExp(
        `^Bearer realm="api", error="insufficient_user_authentication", .*acr_values="urn:tokenward:loa:2", resource_metadata="${METADATA}", DPoP realm="api", algs="ES256"$`,
      ),
    );
    expect(refusalOf(() => check(call('refund_order'), auth)).headers['WWW-Authenticate']).toMatch(
      /, DPoP realm="api", algs="ES256"$/,
    );
  });

  it('refuses malformed requirements at construction, naming the tool', () => {
    const error = refusalOf(() =>
      toolRequirementsCheck(verifier(), { refund_order: { scope: ['x'] } as never }),
    );
    expect(error.code).toBe('ERR_CONFIG');
    expect(error.message).toContain('refund_order');
  });
});

describe('withAuthInfo', () => {
  it('replaces the verified result by the SDK AuthInfo the transport reads, once', async () => {
    const auth = await verified(['mcp:tools']);
    const req: { auth?: AccessTokenResult } = { auth };
    const converted = withAuthInfo(req, RESOURCE);
    expect(converted.auth).toMatchObject({
      token: auth.token,
      scopes: ['mcp:tools'],
      extra: { subject: auth.subject },
    });
    expect(converted.auth.resource?.href).toBe(RESOURCE);
    // A second call keeps the AuthInfo as it is.
    expect(withAuthInfo(converted, RESOURCE).auth).toBe(converted.auth);
  });

  it('throws ERR_CONFIG for a request no middleware verified (a server bug, never a 401)', () => {
    expect(refusalOf(() => withAuthInfo({}, RESOURCE)).code).toBe('ERR_CONFIG');
  });
});
