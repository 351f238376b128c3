/**
 * What `tokenward inspect` prints from a token it has not verified: every control character a
 * token carries (C0, DEL, C1, bidi controls, line and paragraph separators) is shown as an escape
 * wherever it sits — claim names, claim values, nested values, `alg`, `kid`, `typ` — so a crafted
 * token cannot clear the screen, move the cursor, retitle the terminal or print a line that looks
 * like a verdict (ECMA-48 section 5, Unicode bidi controls).
 */

export interface InspectAttack {
  readonly name: string;
  readonly rfc: string;
  readonly req: string;
  /** The token's header and claims. */
  readonly header: Record<string, unknown>;
  readonly claims: Record<string, unknown>;
  /** Text the human-readable output must show (the escaped form of what was injected). */
  readonly shows: readonly string[];
}

const ECMA = 'ECMA-48 section 5';
const BIDI = 'Unicode UAX 9 section 2';
const claims = (extra: Record<string, unknown>) => ({
  iss: 'https://acme.okta.com/oauth2/default',
  sub: 'alice',
  aud: 'api://default',
  exp: 4_000_000_000,
  ...extra,
});
const header = (extra: Record<string, unknown> = {}) => ({ alg: 'RS256', typ: 'JWT', kid: 'k1', ...extra });

const row = (
  rfc: string,
  name: string,
  token: { header?: Record<string, unknown>; claims?: Record<string, unknown> },
  shows: readonly string[],
): InspectAttack => ({
  rfc,
  req: 'BCP-10',
  name,
  header: header(token.header),
  claims: claims(token.claims ?? {}),
  shows,
});

export const inspectFamilies = {
  'CLI: inspect shows what a token carries as escapes': [
    row(ECMA, 'clear screen and cursor home in alg', { header: { alg: 'RS256\u001b[2J\u001b[H' } }, [
      'RS256\\x1b[2J\\x1b[H',
    ]),
    row(ECMA, 'a C1 control sequence introducer in kid', { header: { kid: 'k\u009b2J' } }, ['k\\x9b2J']),
    row(ECMA, 'a bell and an OSC window title in typ', { header: { typ: '\u001b]0;owned\u0007JWT' } }, [
      '\\u001b]0;owned\\u0007JWT',
    ]),
    row(
      ECMA,
      'cursor up, carriage return and a forged verdict in a claim name',
      { claims: { '\u001b[1A\r✓ valid access token\u001b[K': 'x' } },
      ['\\x1b[1A\\x0d✓ valid access token\\x1b[K'],
    ),
    row(ECMA, 'a newline and a forged verdict in sub', { claims: { sub: 'alice\n✓ signature valid' } }, [
      'alice\\n✓ signature valid',
    ]),
    row(ECMA, 'backspace and DEL in a claim value', { claims: { tier: 'gold\u0008\u007f' } }, [
      'gold\\b\\x7f',
    ]),
    row(ECMA, 'an escape inside a nested object claim', { claims: { ext: { note: 'a\u001b[31mred' } } }, [
      'a\\u001b[31mred',
    ]),
    row(ECMA, 'an escape inside a scope of scp', { claims: { scp: ['orders:read\u001b[8m'] } }, [
      'orders:read\\u001b[8m',
    ]),
    row(
      BIDI,
      'a right-to-left override in iss',
      { claims: { iss: 'https://evil.example/\u202eelpmaxe.emca' } },
      ['\\u202e'],
    ),
    row(
      BIDI,
      'a line separator and a forged verdict in a scope',
      { claims: { scp: ['a\u2028✓ nothing would be refused'] } },
      ['\\u2028✓ nothing would be refused'],
    ),
    row(BIDI, 'isolates and marks in cid', { claims: { cid: '\u2066c\u2069\u200fid\u061c' } }, [
      '\\u2066c\\u2069\\u200fid\\u061c',
    ]),
    row(ECMA, 'a NUL and a vertical tab in aud', { claims: { aud: 'api://\u0000default\u000b' } }, [
      'api://\\u0000default\\u000b',
    ]),
  ],
} satisfies Record<string, InspectAttack[]>;
