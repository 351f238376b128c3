import { describe, expect, it } from 'vitest';
import { nodeCodec } from '../../src/lib/runtime/node/node-runtime.js';
import {
  createHeaderMemo,
  HEADER_MEMO_ENTRIES,
  HEADER_MEMO_MAX_SEGMENT,
} from '../../src/lib/token/header-memo.js';
import { decodeJwt as decodeWith } from '../../src/lib/token/jwt.js';
import { compactJws, encodeSegment, failureOf } from './helpers.js';

const decodeJwt = (token: string, maxBytes: number) => decodeWith(token, maxBytes, nodeCodec, ['RS256']);
const payload = { iss: 'https://issuer.example/oauth2/default', sub: 'alice' };
const header = (kid: string) => Object.freeze({ alg: 'RS256', kid });

describe('createHeaderMemo', () => {
  it('answers only for the exact segment it was given', () => {
    const memo = createHeaderMemo();
    memo.remember('segment-a', header('a'));
    expect(memo.get('segment-a', 9)).toEqual({ alg: 'RS256', kid: 'a' });
    expect(memo.get('segment-b', 9)).toBeUndefined();
    expect(memo.get('segment-a ', 10)).toBeUndefined();
    expect(memo.get('Segment-a', 9)).toBeUndefined();
  });

  it("answers for a token's first characters only when they are exactly a remembered segment", () => {
    const memo = createHeaderMemo();
    memo.remember('abc', header('abc'));
    expect(memo.get('abc.payload.signature', 3)?.kid).toBe('abc');
    expect(memo.get('abcd.payload.signature', 4)).toBeUndefined();
    expect(memo.get('ab.payload.signature', 2)).toBeUndefined();
    expect(memo.get('abc.payload.signature', 3)?.kid).toBe('abc');
  });

  it('forgets the segment it answered last once that segment is dropped', () => {
    const memo = createHeaderMemo(2, 100);
    memo.remember('a', header('a'));
    memo.remember('b', header('b'));
    expect(memo.get('a.x.y', 1)?.kid).toBe('a');
    memo.remember('c', header('c'));
    expect(memo.get('a.x.y', 1)).toBeUndefined();
    expect(memo.get('b.x.y', 1)?.kid).toBe('b');
  });

  it('keeps at most its bound, dropping the oldest entry first', () => {
    const memo = createHeaderMemo(3, 100);
    for (const name of ['a', 'b', 'c', 'd']) memo.remember(name, header(name));
    expect(memo.get('a', 1)).toBeUndefined();
    expect(['b', 'c', 'd'].map((name) => memo.get(name, name.length)?.kid)).toEqual(['b', 'c', 'd']);
  });

  it('does not remember segments longer than its limit', () => {
    const memo = createHeaderMemo(3, 4);
    memo.remember('abcde', header('long'));
    memo.remember('abcd', header('short'));
    expect(memo.get('abcde', 5)).toBeUndefined();
    expect(memo.get('abcd', 4)?.kid).toBe('short');
  });

  it('has defaults that bound its memory', () => {
    expect(HEADER_MEMO_ENTRIES * HEADER_MEMO_MAX_SEGMENT).toBeLessThanOrEqual(64 * 1024);
  });
});

describe('decodeJwt with remembered headers', () => {
  it('gives tokens with one header segment one frozen header, and others their own', () => {
    const first = decodeJwt(compactJws({ alg: 'RS256', kid: 'memo-1' }, payload), 8192);
    const second = decodeJwt(compactJws({ alg: 'RS256', kid: 'memo-1' }, { ...payload, sub: 'bob' }), 8192);
    const other = decodeJwt(compactJws({ alg: 'RS256', kid: 'memo-2' }, payload), 8192);
    expect(second.header).toBe(first.header);
    expect(Object.isFrozen(first.header)).toBe(true);
    expect(other.header).toEqual({ alg: 'RS256', kid: 'memo-2' });
    expect(second.payload).toEqual({ ...payload, sub: 'bob' });
  });

  it('still checks the payload and signature of a token whose header it knows (JOSE-2, BCP-14)', async () => {
    const known = encodeSegment({ alg: 'RS256', kid: 'memo-3' });
    decodeJwt(`${known}.${encodeSegment(payload)}.c2ln`, 8192);
    expect((await failureOf(() => decodeJwt(`${known}.${encodeSegment('[1]')}.c2ln`, 8192))).code).toBe(
      'ERR_TOKEN_MALFORMED',
    );
    expect((await failureOf(() => decodeJwt(`${known}.${encodeSegment(payload)}.c2l=`, 8192))).code).toBe(
      'ERR_TOKEN_MALFORMED',
    );
  });

  it('never remembers a header that failed its checks (JOSE-3)', async () => {
    const duplicate = compactJws('{"alg":"RS256","alg":"RS256"}', payload);
    const noAlg = compactJws({ kid: 'memo-4' }, payload);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      expect((await failureOf(() => decodeJwt(duplicate, 8192))).message).toMatch(/repeats a member name/);
      expect((await failureOf(() => decodeJwt(noAlg, 8192))).message).toMatch(/"alg" must be a string/);
    }
  });
});
