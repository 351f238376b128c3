import { describe, expect, it } from 'vitest';
import { findCredentials } from '../../src/lib/request/credentials.js';
import type { BearerRequest } from '../../src/request.js';
import { extractBearerToken, isCorsPreflight } from '../../src/request.js';
import { failureOf } from './helpers.js';

const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln';
const form = 'application/x-www-form-urlencoded';
// BT-9: separate lines and a comma-joined value get one wording, since Fetch's Headers join lines.
const SEVERAL_CREDENTIALS =
  'expected one Authorization header with one credential; found more than one (as repeated header lines or a comma-separated list)';

const extract = (request: Partial<BearerRequest>, options?: { allowQuery?: boolean; allowBody?: boolean }) =>
  extractBearerToken({ headers: {}, ...request }, options);

const invalidRequest = async (
  request: Partial<BearerRequest>,
  options?: { allowQuery?: boolean; allowBody?: boolean },
) => {
  const failure = await failureOf(() => extract(request, options));
  expect(failure.code).toBe('ERR_INVALID_REQUEST');
  return failure.message;
};

describe('extractBearerToken: Authorization header (BT-1, BT-2, BT-9)', () => {
  it('returns undefined without credentials', () => {
    expect(extract({})).toBeUndefined();
    expect(extract({ headers: { authorization: undefined } })).toBeUndefined();
  });

  it.each(['Bearer', 'bearer', 'BEARER', 'bEaReR'])('accepts the scheme spelled %s (BT-2)', (scheme) => {
    expect(extract({ headers: { authorization: `${scheme} ${token}` } })).toBe(token);
  });

  it('finds the header whatever the case of its name', () => {
    expect(extract({ headers: { Authorization: `Bearer ${token}` } })).toBe(token);
  });

  it('accepts one or more spaces and surrounding whitespace (BT-1, BT-9)', () => {
    expect(extract({ headers: { authorization: `Bearer   ${token}` } })).toBe(token);
    expect(extract({ headers: { authorization: ` \tBearer ${token}\t ` } })).toBe(token);
  });

  it('trims whitespace on either side alone, and takes a header of only whitespace as malformed', async () => {
    expect(extract({ headers: { authorization: `\t\tBearer ${token}` } })).toBe(token);
    expect(extract({ headers: { authorization: `Bearer  ${token} \t` } })).toBe(token);
    expect(await invalidRequest({ headers: { authorization: ' \t ' } })).toContain(
      'is not "<scheme> <credentials>"',
    );
    expect(await invalidRequest({ headers: { authorization: `Bearer \t${token}` } })).toContain(
      'single b64token',
    );
  });

  it('accepts the whole b64token alphabet with trailing = (BT-1)', () => {
    expect(extract({ headers: { authorization: 'Bearer aZ09-._~+/==' } })).toBe('aZ09-._~+/==');
  });

  it('accepts a one-element header array', () => {
    expect(extract({ headers: { authorization: [`Bearer ${token}`] } })).toBe(token);
  });

  it.each(['Basic dXNlcjpwYXNz', 'DPoP abc', 'Digest username="a", realm="b"', 'Negotiate'])(
    'treats another scheme (%s) as no bearer credentials',
    (value) => {
      expect(extract({ headers: { authorization: value } })).toBeUndefined();
    },
  );

  it.each([
    ['Bearer without a token', 'Bearer'],
    ['Bearer with only spaces', 'Bearer    '],
    ['two tokens', `Bearer ${token} ${token}`],
    ['a tab separator', `Bearer\t${token}`],
    ['a character outside b64token', 'Bearer abc"def'],
    ['= inside the token', 'Bearer ab=cd'],
    ['an empty header', ''],
    ['no scheme', `@ ${token}`],
  ])('rejects %s as invalid_request (BT-1)', async (_name, authorization) => {
    await invalidRequest({ headers: { authorization } });
  });

  it('rejects two Authorization header lines (BT-9)', async () => {
    expect(await invalidRequest({ headers: { authorization: [`Bearer ${token}`, `Bearer ${token}`] } })).toBe(
      SEVERAL_CREDENTIALS,
    );
    await invalidRequest({ headers: { authorization: `Bearer ${token}`, Authorization: `Bearer ${token}` } });
  });

  it('sees a repeated Authorization line in the raw headers that Node folded away (BT-9)', async () => {
    const headers = { authorization: `Bearer ${token}` };
    const rawHeaders = ['Host', 'api', 'authorization', `Bearer ${token}`, 'AUTHORIZATION', 'Basic dXNlcg=='];
    expect(await invalidRequest({ headers, rawHeaders })).toBe(SEVERAL_CREDENTIALS);
    const single = ['Host', 'api', 'Authorization', `Bearer ${token}`, 'Authorized-By', 'x'];
    expect(extractBearerToken({ headers, rawHeaders: single })).toBe(token);
  });

  it.each([`Bearer ${token}, Bearer ${token}`, `Basic dXNlcg==, Bearer ${token}`, `Bearer ${token},Basic x`])(
    'rejects comma-joined duplicate credentials %s (BT-9)',
    async (authorization) => {
      expect(await invalidRequest({ headers: { authorization } })).toBe(SEVERAL_CREDENTIALS);
    },
  );
});

describe('extractBearerToken: query parameter (BT-5)', () => {
  it('ignores access_token in the query unless allowed', () => {
    expect(extract({ query: { access_token: token } })).toBeUndefined();
  });

  it.each([
    ['a parsed object', { access_token: token }],
    ['URLSearchParams', new URLSearchParams({ access_token: token })],
    ['a raw query string', `?access_token=${token}&x=1`],
  ])('reads %s when allowed', (_name, query) => {
    expect(extract({ query }, { allowQuery: true })).toBe(token);
  });

  it.each([
    ['an array from a parser', { access_token: [token, token] }],
    ['URLSearchParams', new URLSearchParams(`access_token=${token}&access_token=${token}`)],
    ['a raw string', `access_token=a&access_token=b`],
  ])('rejects a repeated access_token in %s', async (_name, query) => {
    expect(await invalidRequest({ query }, { allowQuery: true })).toMatch(/appears 2 times/);
  });

  it.each([
    ['empty', { access_token: '' }],
    ['an object', { access_token: { nested: 'x' } }],
  ])('rejects an access_token that is %s', async (_name, query) => {
    await invalidRequest({ query }, { allowQuery: true });
  });
});

describe('extractBearerToken: form body (BT-4)', () => {
  const post = { method: 'POST', headers: { 'content-type': form }, body: { access_token: token } };

  it('reads a form-encoded POST body when allowed', () => {
    expect(extract(post, { allowBody: true })).toBe(token);
    expect(
      extract({ ...post, headers: {}, contentType: `${form}; charset=utf-8` }, { allowBody: true }),
    ).toBe(token);
    expect(extract({ ...post, body: `access_token=${token}` }, { allowBody: true })).toBe(token);
  });

  it('ignores the body unless allowed', () => {
    expect(extract(post)).toBeUndefined();
  });

  it('ignores the body of a GET ("the GET method MUST NOT be used")', () => {
    expect(extract({ ...post, method: 'GET' }, { allowBody: true })).toBeUndefined();
  });

  it.each(['application/json', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencodedx'])(
    'ignores a %s body (single-part form only)',
    (contentType) => {
      expect(
        extract({ ...post, headers: { 'content-type': contentType } }, { allowBody: true }),
      ).toBeUndefined();
    },
  );

  it('rejects a repeated access_token field', async () => {
    await invalidRequest({ ...post, body: { access_token: [token, token] } }, { allowBody: true });
  });
});

describe('extractBearerToken: one method only (BT-3)', () => {
  const options = { allowQuery: true, allowBody: true };
  const header = { authorization: `Bearer ${token}`, 'content-type': form };

  it.each([
    ['header and query', { headers: header, query: { access_token: token } }],
    ['header and body', { method: 'POST', headers: header, body: { access_token: token } }],
    [
      'query and body',
      { method: 'POST', headers: { 'content-type': form }, query: 'access_token=a', body: 'access_token=b' },
    ],
  ])('rejects a token sent in the %s', async (_name, request) => {
    expect(await invalidRequest(request, options)).toMatch(/more than one way/);
  });

  it('counts a method that is not allowed beside the header: refused, not ignored', async () => {
    expect(await invalidRequest({ headers: header, query: { access_token: 'other' } })).toMatch(
      /more than one way/,
    );
    const form = {
      method: 'POST',
      headers: { ...header, 'content-type': 'application/x-www-form-urlencoded' },
    };
    expect(await invalidRequest({ ...form, body: 'access_token=other' })).toMatch(/more than one way/);
  });

  it('counts a method that is not allowed beside an allowed one: refused, not ignored', async () => {
    const post = { method: 'POST', headers: { 'content-type': form } };
    expect(
      await invalidRequest({ ...post, query: 'access_token=a', body: 'access_token=b' }, { allowBody: true }),
    ).toMatch(/more than one way/);
    expect(
      await invalidRequest(
        { ...post, query: 'access_token=a', body: 'access_token=b' },
        { allowQuery: true },
      ),
    ).toMatch(/more than one way/);
  });

  it('does not read a method that is not allowed when it comes alone', () => {
    expect(extract({ headers: {}, query: { access_token: token } })).toBeUndefined();
  });

  it('does not count an Authorization header of another scheme', () => {
    expect(
      extract({ headers: { authorization: 'Basic dXNlcg==' }, query: { access_token: token } }, options),
    ).toBe(token);
  });
});

describe('isCorsPreflight', () => {
  const preflight = { origin: 'https://app.example', 'access-control-request-method': 'GET' };

  it('is true for OPTIONS with Origin and Access-Control-Request-Method', () => {
    expect(isCorsPreflight({ method: 'OPTIONS', headers: preflight })).toBe(true);
  });

  it.each([
    ['another method', { method: 'GET', headers: preflight }],
    ['a plain OPTIONS', { method: 'OPTIONS', headers: { origin: 'https://app.example' } }],
    ['no method', { headers: preflight }],
  ])('is false for %s', (_name, request) => {
    expect(isCorsPreflight(request)).toBe(false);
  });
});

describe('findCredentials: a token the verifier passed before (BT-1)', () => {
  const request = (authorization: string) => ({ method: 'GET', headers: { authorization } });

  it('skips the b64token scan only for a token the verifier vouches for', async () => {
    const asked: string[] = [];
    const verifiedBefore = (candidate: string) => {
      asked.push(candidate);
      return candidate === token;
    };
    expect(findCredentials(request(`Bearer ${token}`), {}, false, verifiedBefore).found?.token).toBe(token);
    expect(asked).toEqual([token]);
    // Anything else is scanned as before and refused with the same answer.
    const failure = await failureOf(() =>
      findCredentials(request('Bearer abc"def'), {}, false, verifiedBefore),
    );
    expect(failure).toMatchObject({
      code: 'ERR_INVALID_REQUEST',
      message: 'Bearer credentials must be a single b64token (RFC 6750 section 2.1)',
    });
  });

  it('takes the verifier at its word: what it vouches for is not scanned again', () => {
    // A verifier of this library vouches only for tokens that decoded (b64token by construction);
    // this one vouches for anything, which shows the scan is skipped.
    const search = findCredentials(request('Bearer abc"def'), {}, false, () => true);
    expect(search.found?.token).toBe('abc"def');
  });
});
