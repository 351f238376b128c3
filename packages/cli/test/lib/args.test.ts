import { describe, expect, it } from 'vitest';
import {
  expectPositionals,
  parseCommandArgs,
  requireUrl,
  UsageError,
  wantsHelp,
} from '../../src/lib/args.js';
import { readToken } from '../../src/lib/read-token.js';

async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

describe('parseCommandArgs', () => {
  const options = { issuer: { type: 'string' }, scope: { type: 'string', multiple: true } } as const;

  it('parses repeated and inline values', () => {
    const parsed = parseCommandArgs(
      ['t', '--issuer=https://a.example', '--scope', 'a', '--scope', 'b'],
      options,
    );
    expect(parsed.values).toEqual({ issuer: 'https://a.example', scope: ['a', 'b'] });
    expect(parsed.positionals).toEqual(['t']);
  });

  it('turns an unknown option into a usage error naming it', () => {
    expect(() => parseCommandArgs(['--isuer', 'x'], options)).toThrow(
      new UsageError("Unknown option '--isuer'"),
    );
  });

  it('says how to pass a token that starts with "-", without quoting it', () => {
    for (const token of ['-Xk2_bQ9fLm3Rt7vWz1A4cE6gH8jN0pS5uY', '--k2_bQ9fLm3Rt7vWz1A4cE6gH8jN0pS5uY-']) {
      let thrown: unknown;
      try {
        parseCommandArgs([token, '--issuer', 'https://a.example'], options);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(UsageError);
      expect((thrown as Error).message).toContain('put `--` before the token');
      expect((thrown as Error).message).not.toContain(token.slice(1, 12));
    }
    const parsed = parseCommandArgs(
      ['--issuer', 'https://a.example', '--', '-Xk2_bQ9fLm3Rt7vWz1A4'],
      options,
    );
    expect(parsed.positionals).toEqual(['-Xk2_bQ9fLm3Rt7vWz1A4']);
  });

  it('still names a mistyped long option, however long', () => {
    expect(() => parseCommandArgs(['t', '--introspection-cache-maxage', '5'], options)).toThrow(
      new UsageError("Unknown option '--introspection-cache-maxage'"),
    );
  });

  it('turns a missing value into a usage error', () => {
    expect(() => parseCommandArgs(['--issuer'], options)).toThrow(UsageError);
  });
});

describe('expectPositionals', () => {
  it('counts without repeating the values, which may be tokens', () => {
    expect(() => expectPositionals(['secret-one', 'secret-two'], 1, 'the token')).toThrow(
      'expected one argument (the token); got 2',
    );
    expect(() => expectPositionals([], 1, 'the token')).toThrow('missing the token');
    expect(() => expectPositionals(['x'], 1, 'the token')).not.toThrow();
  });
});

describe('wantsHelp', () => {
  it('finds -h/--help before a -- terminator only', () => {
    expect(wantsHelp(['x', '--help'])).toBe(true);
    expect(wantsHelp(['-h'])).toBe(true);
    expect(wantsHelp(['--', '--help'])).toBe(false);
  });
});

describe('requireUrl', () => {
  it('accepts http(s) URLs and names the flag otherwise', () => {
    expect(requireUrl('https://acme.okta.com/oauth2/default', '--issuer')).toBe(
      'https://acme.okta.com/oauth2/default',
    );
    expect(() => requireUrl(undefined, '--issuer')).toThrow('--issuer is required');
    expect(() => requireUrl('acme.okta.com', '--issuer')).toThrow('--issuer must be an absolute URL');
    expect(() => requireUrl('ftp://acme.okta.com', '--issuer')).toThrow('found the scheme "ftp"');
  });
});

describe('readToken', () => {
  it('takes the argument as is, or all of stdin with "-", trimmed, without a pasted Bearer prefix', async () => {
    expect(await readToken('a.b.c', chunks())).toBe('a.b.c');
    expect(await readToken('-', chunks('Bearer a.', 'b.c\n'))).toBe('a.b.c');
  });

  it('refuses a missing or empty token', async () => {
    await expect(readToken(undefined, chunks())).rejects.toThrow('missing token');
    await expect(readToken('-', chunks(' \n'))).rejects.toThrow('no token on stdin');
    await expect(readToken('', chunks())).rejects.toThrow('the token argument is empty');
  });

  it('stops reading stdin beyond 1 MiB', async () => {
    await expect(readToken('-', chunks('x'.repeat(700_000), 'x'.repeat(700_000)))).rejects.toThrow(
      'more than',
    );
  });
});
