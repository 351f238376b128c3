/**
 * Command-line parsing over `node:util` `parseArgs`: strict options, positionals counted by the
 * command. Failures become {@link UsageError} (exit 2) with messages that never repeat a
 * positional argument, which may be a token.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
type StrictConfig<Options extends OptionsConfig> = {
  args: string[];
  options: Options;
  strict: true;
  allowPositionals: true;
};
/** What {@link parseCommandArgs} returns: typed `values` and the positionals. */
export type ParsedCommandArgs<Options extends OptionsConfig> = ReturnType<
  typeof parseArgs<StrictConfig<Options>>
>;

/** A command line that cannot be run: the message goes to stderr and the exit code is 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The arguments before a `--` terminator: the ones that may be options. */
function optionArgs(argv: readonly string[]): readonly string[] {
  const end = argv.indexOf('--');
  return end === -1 ? argv : argv.slice(0, end);
}

/** True when the user asked for help anywhere before a `--` terminator. */
export function wantsHelp(argv: readonly string[]): boolean {
  return optionArgs(argv).some((arg) => arg === '--help' || arg === '-h');
}

/** At least 20 characters of base64url, base64 or a JWT (an inline `--name=value` has its `=` inside). */
const TOKEN_LIKE = /^-[-\w.~+/]{19,}=*$/;
/** What a mistyped option looks like: lowercase words and dashes, never a random token's mix. */
const OPTION_LIKE = /^--?[a-z][a-z-]*$/;

function looksLikeToken(arg: string): boolean {
  return TOKEN_LIKE.test(arg) && !OPTION_LIKE.test(arg);
}

/** Parses `argv` against `options`, turning `parseArgs` errors into {@link UsageError}. */
export function parseCommandArgs<Options extends OptionsConfig>(
  argv: readonly string[],
  options: Options,
): ParsedCommandArgs<Options> {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && optionArgs(argv).some(looksLikeToken)) {
      // One base64url token in 64 starts with "-". parseArgs would name it as an unknown option,
      // quoting all of it when it starts with "--".
      throw new UsageError(
        'an argument starting with "-" looks like a token, not an option; put `--` before the token, ' +
          'after the options, or pass the token on stdin with "-"',
      );
    }
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      // parseArgs appends advice about `--`; the first sentence is the useful part.
      throw new UsageError((error as Error).message.split('. ')[0] ?? 'invalid arguments');
    }
    throw error;
  }
}

/** Exactly `count` positionals, else a usage error naming `what` (never echoing the values). */
export function expectPositionals(positionals: readonly string[], count: number, what: string): void {
  if (positionals.length < count) throw new UsageError(`missing ${what}`);
  if (positionals.length > count) {
    throw new UsageError(
      `expected ${count === 1 ? `one argument (${what})` : `${count} arguments`}; got ${positionals.length}`,
    );
  }
}

/** An `http(s)` URL given on the command line, checked now so the error names the flag. */
export function requireUrl(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`${flag} is required`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${flag} must be an absolute URL such as https://acme.okta.com/oauth2/default`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`${flag} must be an http(s) URL; found the scheme "${url.protocol.slice(0, -1)}"`);
  }
  return value;
}
