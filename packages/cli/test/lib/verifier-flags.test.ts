import { describe, expect, it } from 'vitest';
import { DISCOVER_HELP } from '../../src/commands/discover.js';
import { INSPECT_HELP } from '../../src/commands/inspect.js';
import { VERIFY_HELP } from '../../src/commands/verify.js';
import { explain } from '../../src/lib/explain.js';
import { inFlagTerms, settingsFromFlags, VERIFY_FLAG_NAMES } from '../../src/lib/verifier-flags.js';

describe('settingsFromFlags', () => {
  it('maps the flags to core options and leaves absent ones to core defaults', () => {
    expect(settingsFromFlags({})).toEqual({});
    expect(
      settingsFromFlags({
        alg: ['ES256', 'PS256'],
        'no-org-server-rules': true,
        'jwks-origin': ['https://keys.example.com'],
      }),
    ).toEqual({
      algorithms: ['ES256', 'PS256'],
      orgServerRules: false,
      allowedJwksOrigins: ['https://keys.example.com'],
    });
  });
});

describe('inFlagTerms', () => {
  it.each([
    [
      '`issuer` "https://a.example" is the org authorization server (or set `orgServerRules: false` if your vendor\'s issuers are bare origins)',
      '--issuer "https://a.example" is the org authorization server (or set --no-org-server-rules if your vendor\'s issuers are bare origins)',
    ],
    ['`algorithms` may not contain "HS256"', '--alg may not contain "HS256"'],
    ['`allowedJwksOrigins[0]` must be an https origin', '--jwks-origin must be an https origin'],
    [
      'token is 9000 bytes; at most 8192 are accepted (maxTokenSize)',
      'token is 9000 bytes; at most 8192 are accepted (--max-token-size)',
    ],
    ['tokenward: `maxTokenSize` must be 256-65536', '--max-token-size must be 256-65536'],
    [
      'holds no key usable with the allowed algorithms (RS256)',
      'holds no key usable with the allowed algorithms (RS256)',
    ],
  ])('rewords %j', (message, reworded) => {
    expect(inFlagTerms(message)).toBe(reworded);
  });

  it('leaves names it has no flag for as they are', () => {
    expect(inFlagTerms('`clockTolerance` and `requiredClaims`', { algorithms: '--alg' })).toBe(
      '`clockTolerance` and `requiredClaims`',
    );
  });
});

describe('every flag a hint names exists', () => {
  const flagsIn = (text: string) => new Set(text.match(/--[a-z][a-z-]*/g) ?? []);
  const helpFlags = (help: string) =>
    flagsIn(help.slice(help.indexOf('Options:'), help.indexOf('Examples:')));

  it("in verify's wording of core's options and in the explanations", () => {
    const verifyFlags = helpFlags(VERIFY_HELP);
    for (const flag of Object.values(VERIFY_FLAG_NAMES)) expect(verifyFlags).toContain(flag);
    const codes = [
      'ERR_ALG_NOT_ALLOWED',
      'ERR_TOKEN_TOO_LARGE',
      'ERR_ORG_SERVER_TOKEN',
      'ERR_ISSUER_MISMATCH',
    ] as const;
    for (const code of codes) {
      for (const flag of flagsIn(explain(code).action)) expect(verifyFlags).toContain(flag);
    }
  });

  it('in the help texts: examples use only listed flags', () => {
    for (const help of [VERIFY_HELP, INSPECT_HELP, DISCOVER_HELP]) {
      const listed = helpFlags(help);
      for (const flag of flagsIn(help.slice(help.indexOf('Examples:')))) expect(listed).toContain(flag);
    }
  });
});
