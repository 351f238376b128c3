import { isSigningAlg } from './lib/keys.js';
import { resolveSettings } from './lib/options.js';
import type { ClientRegistration, IssuerOptions } from './types.js';

/** A command line that cannot be run; the CLI prints the message and exits with {@link exitCode}. */
export class IssuerArgsError extends Error {
  readonly exitCode = 2;
  override readonly name = 'IssuerArgsError';
}

export type IssuerCommand = { kind: 'help' } | { kind: 'start'; options: IssuerOptions };

export const ISSUER_USAGE = `Usage: tokenward-issuer [options]

Runs the tokenward reference OAuth 2.0 / OpenID Connect authorization server on loopback
(plain HTTP): the org server at /, custom servers at /oauth2/{id}.

Options:
  --port <n>                 port to listen on (default 0: any free port)
  --host <host>              address to bind (default 127.0.0.1)
  --servers <a,b,...>        custom server ids ("default" is always present)
  --client <id:secret:s1,s2> register a client; repeatable. Omit the secret for a public
                             client ("id" or "id::s1,s2"); omit scopes to allow any scope
  --alg <alg>                signing algorithm: RS256 (default), ES256, PS256, EdDSA
  --jwks-max-age <seconds>   Cache-Control max-age of the key sets (default 300)
  --rotation-overlap <secs>  how long rotated-out keys stay published (default 3600)
  --org-server-layout <l>    vendor (default): org endpoints under /oauth2/v1; generic: at /
  --admin                    serve /__admin/faults and /__admin/counts for fault injection
  --dpop-nonce               token endpoints require a DPoP server nonce (use_dpop_nonce)
  -h, --help                 show this help
`;

const BOOLEAN_FLAGS = new Set(['--admin', '--dpop-nonce', '--help', '-h']);

const VALUE_FLAGS = new Set([
  '--port',
  '--host',
  '--servers',
  '--client',
  '--alg',
  '--jwks-max-age',
  '--rotation-overlap',
  '--org-server-layout',
]);

function wholeNumber(flag: string, value: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(value) || Number(value) > max) {
    throw new IssuerArgsError(
      `${flag} expects a whole number${max < Number.MAX_SAFE_INTEGER ? ` 0-${max}` : ''}, got "${value}"`,
    );
  }
  return Number(value);
}

/** `id`, `id:secret`, `id:secret:scope1,scope2` or `id::scope1,scope2`; scopes may contain ':'. */
export function parseClientSpec(spec: string): ClientRegistration {
  const [clientId = '', secret, ...scopeParts] = spec.split(':');
  if (clientId === '') throw new IssuerArgsError(`--client expects id:secret:scopes, got "${spec}"`);
  const client: ClientRegistration = { clientId };
  if (secret !== undefined && secret !== '') client.clientSecret = secret;
  const scopes = scopeParts.join(':');
  if (scopes !== '') client.scopes = scopes.split(',').filter((scope) => scope !== '');
  return client;
}

/** Splits `--flag=value` and `--flag value` into pairs; a flag without a value pairs with `undefined`. */
function* flagPairs(argv: readonly string[]): Generator<[string, string | undefined]> {
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    if (equals > 0) {
      yield [arg.slice(0, equals), arg.slice(equals + 1)];
    } else if (!VALUE_FLAGS.has(arg)) {
      yield [arg, undefined];
    } else {
      const value = argv[index + 1];
      if (value === undefined || value.startsWith('--')) throw new IssuerArgsError(`${arg} needs a value`);
      index += 1;
      yield [arg, value];
    }
  }
}

/** Parses `tokenward-issuer` flags; throws {@link IssuerArgsError} for anything it cannot run. */
export function parseIssuerArgs(argv: readonly string[]): IssuerCommand {
  const options: IssuerOptions = {};
  const clients: ClientRegistration[] = [];
  for (const [flag, given] of flagPairs(argv)) {
    if (!VALUE_FLAGS.has(flag) && given !== undefined) {
      if (BOOLEAN_FLAGS.has(flag)) throw new IssuerArgsError(`${flag} takes no value`);
      throw new IssuerArgsError(`unknown option ${flag}`);
    }
    const value = given ?? '';
    switch (flag) {
      case '-h':
      case '--help':
        return { kind: 'help' };
      case '--admin':
        options.admin = true;
        break;
      case '--dpop-nonce':
        options.dpopNonce = true;
        break;
      case '--port':
        options.port = wholeNumber(flag, value, 65535);
        break;
      case '--host':
        options.host = value;
        break;
      case '--servers':
        options.servers = value.split(',').filter((id) => id !== '');
        break;
      case '--client':
        clients.push(parseClientSpec(value));
        break;
      case '--alg':
        if (!isSigningAlg(value))
          throw new IssuerArgsError(`--alg must be RS256, ES256, PS256 or EdDSA, got "${value}"`);
        options.alg = value;
        break;
      case '--jwks-max-age':
        options.jwksMaxAge = wholeNumber(flag, value);
        break;
      case '--rotation-overlap':
        options.rotationOverlap = wholeNumber(flag, value);
        break;
      case '--org-server-layout':
        if (value !== 'vendor' && value !== 'generic') {
          throw new IssuerArgsError(`--org-server-layout must be vendor or generic, got "${value}"`);
        }
        options.orgServerLayout = value;
        break;
      default:
        throw new IssuerArgsError(
          flag.startsWith('-') ? `unknown option ${flag}` : `unexpected argument "${flag}"`,
        );
    }
  }
  if (clients.length > 0) options.clients = clients;
  try {
    resolveSettings(options);
  } catch (error) {
    throw new IssuerArgsError((error as Error).message);
  }
  return { kind: 'start', options };
}
