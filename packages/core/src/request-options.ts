/**
 * The options every adapter shares (how the request step runs), checked once when the adapter is
 * set up, and the split of one adapter options object into verifier options, request options
 * and route requirements, so `requireAuth({ issuer, audience, realm, scopes })` means the same in
 * every adapter.
 */
import { isChallengeAttributeText } from './challenge-text.js';
import { configError, found } from './lib/options/option-checks.js';
import { REQUIREMENT_NAMES, validateAuthRequirements } from './requirements.js';
import type { AuthRequirements } from './types.js';

/**
 * How an adapter runs the request step; the same options in every adapter. Check them once with
 * {@link validateRequestOptions}, not per request.
 */
export interface AuthenticateRequestOptions {
  /**
   * `realm` of every challenge (RFC 6750 section 3): printable ASCII without `"` or `\`.
   * Default: the verifier's `realm`.
   * @example 'orders-api'
   */
  readonly realm?: string;
  /**
   * Also accept `access_token` in the query (RFC 6750 section 2.3). Tokens in URLs end up in
   * logs and history (RFC 9700 section 4.3.2). Default `false`.
   */
  readonly allowQuery?: boolean;
  /** Also accept `access_token` in a form-encoded POST body (RFC 6750 section 2.2). Default `false`. */
  readonly allowBody?: boolean;
  /**
   * `'required'` (default): no credentials is 401 `ERR_TOKEN_MISSING`. `'optional'`: such a
   * request is the `anonymous` outcome; credentials that are sent must still be valid.
   */
  readonly credentials?: 'required' | 'optional';
  /**
   * What the adapter does with the `preflight` outcome (a CORS preflight never reaches a
   * protected handler anonymously): `'answer'` (default) sends 204 with no body; `'pass'` hands
   * the request on, for CORS middleware mounted after the adapter. The request step itself
   * always reports a preflight as `preflight`.
   */
  readonly corsPreflight?: 'answer' | 'pass';
}

const OPTION_NAMES: ReadonlySet<string> = new Set([
  'realm',
  'allowQuery',
  'allowBody',
  'credentials',
  'corsPreflight',
]);

/**
 * Checks {@link AuthenticateRequestOptions} once, when an adapter is set up, and returns a frozen
 * copy. Throws `TokenwardError` `ERR_CONFIG` whose message starts with `where` and names the option.
 * Members set to `undefined` count as absent; other members are refused, so pass only these.
 * @example const options = validateRequestOptions({ realm: 'orders-api' }, 'requireAuth');
 */
export function validateRequestOptions(value: unknown, where: string): AuthenticateRequestOptions {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw configError(`${where}: expected an options object; found ${found(value)}`);
  }
  const options = value as Record<string, unknown>;
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.has(name)) throw configError(`${where}: unknown option \`${name}\``);
  }
  const { realm, allowQuery, allowBody, credentials, corsPreflight } = options;
  if (realm !== undefined && (typeof realm !== 'string' || !isChallengeAttributeText(realm))) {
    throw configError(`${where}: \`realm\` must be printable ASCII without " or \\; found ${found(realm)}`);
  }
  for (const [name, flag] of [
    ['allowQuery', allowQuery],
    ['allowBody', allowBody],
  ] as const) {
    if (flag !== undefined && typeof flag !== 'boolean') {
      throw configError(`${where}: \`${name}\` must be a boolean; found ${found(flag)}`);
    }
  }
  if (credentials !== undefined && credentials !== 'required' && credentials !== 'optional') {
    throw configError(
      `${where}: \`credentials\` must be 'required' or 'optional'; found ${found(credentials)}`,
    );
  }
  if (corsPreflight !== undefined && corsPreflight !== 'answer' && corsPreflight !== 'pass') {
    throw configError(
      `${where}: \`corsPreflight\` must be 'answer' or 'pass'; found ${found(corsPreflight)}`,
    );
  }
  return Object.freeze(
    Object.fromEntries(Object.entries(options).filter(([, member]) => member !== undefined)),
  ) as AuthenticateRequestOptions;
}

/** An adapter's own options: the request options (but `credentials`, which its middleware decides) and the requirements every request through it must meet. */
export interface AdapterAuthOptions
  extends Omit<AuthenticateRequestOptions, 'credentials'>,
    AuthRequirements {}

/** The names of {@link AdapterAuthOptions}. */
export const ADAPTER_OPTION_NAMES: readonly string[] = [
  ...[...OPTION_NAMES].filter((name) => name !== 'credentials'),
  ...REQUIREMENT_NAMES,
];

/** What {@link splitAuthOptions} returns. */
export interface SplitAuthOptions<Rest> {
  /** Everything else, verifier options in particular (`realm` stays here too). */
  readonly rest: Rest;
  readonly request: AuthenticateRequestOptions;
  /** `undefined` when no `scopes` or `claims` were given. */
  readonly requirements: AuthRequirements | undefined;
}

/**
 * Splits one options object into checked request options (with `credentials` added), checked
 * requirements and the rest; `realm` goes to both the request options and the rest. Throws
 * `ERR_CONFIG` starting with `where` for a bad request option or requirement.
 * @example const { rest, request, requirements } = splitAuthOptions(options, 'requireAuth');
 */
export function splitAuthOptions<Options extends AdapterAuthOptions>(
  options: Options,
  where: string,
  credentials: 'required' | 'optional' = 'required',
): SplitAuthOptions<Omit<Options, Exclude<keyof AdapterAuthOptions, 'realm'>>> {
  const { allowQuery, allowBody, corsPreflight, scopes, scopeMatch, claims, acrValues, maxAge, ...rest } =
    options;
  const request = validateRequestOptions(
    { realm: options.realm, allowQuery, allowBody, corsPreflight, credentials },
    where,
  );
  const requirements = validateAuthRequirements({ scopes, scopeMatch, claims, acrValues, maxAge }, where);
  const none =
    scopes === undefined && claims === undefined && acrValues === undefined && maxAge === undefined;
  return { rest, request, requirements: none ? undefined : requirements };
}
