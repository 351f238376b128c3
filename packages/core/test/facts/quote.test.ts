import { describe, expect, it } from 'vitest';
import { isChallengeAttributeText } from '../../src/challenge-text.js';
import { challengeAttributeText, isScopeToken, TokenwardError } from '../../src/index.js';
import { createIssuerRouter } from '../../src/lib/checks/issuer-routing.js';
import { LISTED_ITEMS, QUOTED_LENGTH, quote, quoteList } from '../../src/lib/quote.js';
import { checkAlgorithm } from '../../src/lib/token/jwt.js';
import type { JwtHeader } from '../../src/types.js';

describe('quote: the one way a value is shown in a message', () => {
  it('writes JSON syntax, so quotes and control characters are escaped', () => {
    expect(quote('a"b\\c\n\u0000')).toBe('"a\\"b\\\\c\\n\\u0000"');
    expect(quote(42)).toBe('42');
    expect(quote(true)).toBe('true');
  });

  it('cuts a value at its named length and marks the cut in ASCII', () => {
    const long = 'x'.repeat(QUOTED_LENGTH.untrusted + 1);
    expect(quote(long)).toBe(`"${'x'.repeat(QUOTED_LENGTH.untrusted)}..."`);
    expect(quote('x'.repeat(QUOTED_LENGTH.untrusted))).toBe(`"${'x'.repeat(QUOTED_LENGTH.untrusted)}"`);
    expect(quote('k'.repeat(100), QUOTED_LENGTH.kid)).toBe(`"${'k'.repeat(QUOTED_LENGTH.kid)}..."`);
  });

  it('lists a bounded number of items and counts the rest', () => {
    const values = Array.from({ length: LISTED_ITEMS + 2 }, (_, index) => `a${index}`);
    expect(quoteList(values, ', ')).toBe(`"a0", "a1", "a2", "a3", "a4" (and 2 more)`);
    expect(quoteList(['a', 'b'], ' or ')).toBe('"a" or "b"');
  });

  it('keeps messages about long untrusted values bounded (BCP-10)', () => {
    const route = createIssuerRouter(
      [
        {
          issuer: 'https://acme.okta.com/oauth2/default',
          origin: 'https://acme.okta.com',
          server: { kind: 'custom', id: 'default', issuer: 'https://acme.okta.com/oauth2/default' },
        },
      ],
      true,
    );
    const longIssuer = `https://evil.example/${'p'.repeat(5000)}`;
    let message = '';
    try {
      route(longIssuer);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('...');
    expect(message.length).toBeLessThan(300);
    expect(() => checkAlgorithm({ alg: 'A'.repeat(5000) } as JwtHeader, ['RS256'])).toThrow(
      /^expected alg RS256; found "A{80}\.\.\."$/,
    );
  });
});

describe('challengeAttributeText: a message made fit for a challenge attribute', () => {
  it('BT-6: replaces what an RFC 6750 section 3 attribute value may not hold, as core writes its own challenges', () => {
    expect(challengeAttributeText('alg "x" \\ \u00e9\u0000\u2028 ok!#[]~')).toBe("alg 'x' ' ''' ok!#[]~");
    const error = new TokenwardError('ERR_TOKEN_MALFORMED', 'expected "RS256"; found "n\u00f6ne\\"');
    expect(error.headers['WWW-Authenticate']).toContain(
      `error_description="${challengeAttributeText(error.message)}"`,
    );
    expect(challengeAttributeText(error.message)).toBe("expected 'RS256'; found 'n'ne''");
  });
});

describe('scope tokens and challenge attribute text: one character class (RFC 6750 section 3)', () => {
  it('BT-6: a scope token is visible ASCII but " and \\; attribute text also holds the space', () => {
    for (let code = 0; code < 0x180; code += 1) {
      const character = String.fromCharCode(code);
      const visible = code >= 0x21 && code <= 0x7e && character !== '"' && character !== '\\';
      expect(isScopeToken(character), `U+${code.toString(16)}`).toBe(visible);
      expect(isChallengeAttributeText(character), `U+${code.toString(16)}`).toBe(visible || code === 0x20);
      expect(challengeAttributeText(character)).toBe(visible || code === 0x20 ? character : "'");
    }
  });

  it('BT-6: a scope token is one token, never empty; attribute text is never empty', () => {
    expect(isScopeToken('orders:read')).toBe(true);
    expect(isScopeToken('orders:read orders:write')).toBe(false);
    expect(isScopeToken('')).toBe(false);
    expect(isChallengeAttributeText('orders api')).toBe(true);
    expect(isChallengeAttributeText('')).toBe(false);
  });
});
