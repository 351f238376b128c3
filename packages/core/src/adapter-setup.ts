/**
 * What an adapter's `requireAuth(optionsOrVerifier, options?)` does once, when it is set up, the
 * same in every adapter: tell verifier options from a verifier, check the adapter's options, build
 * the verifier, and the challenge its route checks answer in.
 */
import type { RequestAuthentication, RouteChallenge } from './authenticate-request.js';
import { closeName, configError } from './lib/options/option-checks.js';
import { VERIFIER_OPTION_NAMES } from './lib/options/resolve.js';
import {
  ADAPTER_OPTION_NAMES,
  type AdapterAuthOptions,
  type AuthenticateRequestOptions,
  splitAuthOptions,
} from './request-options.js';
import type { RouteCheckState } from './route-checks.js';
import type { AccessTokenVerifier, AuthRequirements } from './types.js';

/** What {@link setUpAdapterAuth} returns, built once per middleware. */
export interface AdapterAuthSetup {
  readonly verifier: AccessTokenVerifier;
  /** The checked request options, `credentials` included. */
  readonly options: AuthenticateRequestOptions;
  /** `undefined` when no `scopes`, `claims`, `acrValues` or `maxAge` were given. */
  readonly requirements: AuthRequirements | undefined;
  /** The realm (the options' or the verifier's), resource and DPoP settings of every challenge. */
  readonly challenge: RouteChallenge;
  /**
   * The state a request keeps for the route checks after the middleware (`checkRoute`): one shared,
   * frozen state for every request without credentials and every passed-on preflight.
   */
  readonly stateOf: (outcome: RequestAuthentication) => RouteCheckState;
}

/**
 * Sets up an adapter's auth middleware from `given`: verifier options with the adapter's among
 * them (the verifier is then built by `create`, the `createAccessTokenVerifier` of the adapter's
 * entry of core), or a verifier. `adapterOptions` adds the adapter's options to either, winning
 * over the same options in `given`: `requireAuth(shared, { scopes })` requires those scopes. Throws
 * `ERR_CONFIG` for anything else, for a bad option, for verifier options beside a verifier (unused
 * there) and for an unknown name beside one, with the adapter option it is close to (messages
 * start with `where`).
 *
 * @example
 * const { verifier, options, requirements } = setUpAdapterAuth(given, extra, 'requireAuth', 'required', createAccessTokenVerifier);
 */
export function setUpAdapterAuth<Options extends AdapterAuthOptions>(
  given: Options | AccessTokenVerifier,
  adapterOptions: AdapterAuthOptions | undefined,
  where: string,
  credentials: 'required' | 'optional',
  create: (options: Options) => AccessTokenVerifier,
): AdapterAuthSetup {
  if (typeof given !== 'object' || given === null) {
    throw configError(
      `expected verifier options or a verifier; found ${given === null ? 'null' : typeof given}`,
    );
  }
  const isVerifier = typeof (given as Partial<AccessTokenVerifier>).verify === 'function';
  const split = splitAuthOptions(
    isVerifier ? (adapterOptions ?? {}) : { ...(given as Options), ...adapterOptions },
    where,
    credentials,
  );
  // What is neither the adapter's nor a verifier's is no option at all, most likely a misspelt one
  // (`scope` for `scopes`), suggested from the options this call takes. Beside a verifier only the
  // adapter's options count: verifier options there would go unused.
  const beside = Object.entries(split.rest).flatMap(([name, value]) =>
    name === 'realm' || value === undefined ? [] : [name],
  );
  const unknown = beside.find((name) => !VERIFIER_OPTION_NAMES.has(name));
  if (unknown !== undefined) {
    const taken = isVerifier ? ADAPTER_OPTION_NAMES : [...ADAPTER_OPTION_NAMES, ...VERIFIER_OPTION_NAMES];
    const close = closeName(unknown, taken);
    throw configError(
      `${where}: \`${unknown}\` is not an option of ${where}${close === undefined ? '' : `; did you mean \`${close}\`?`}`,
    );
  }
  if (isVerifier && beside.length > 0) {
    throw configError(
      `${where}: verifier options beside a verifier would go unused (${beside.join(', ')}); give them to createAccessTokenVerifier`,
    );
  }
  const verifier = isVerifier ? (given as AccessTokenVerifier) : create(split.rest as Options);
  const challenge = verifierChallenge(verifier, split.request.realm);
  const anonymous: RouteCheckState = Object.freeze({ challenge, result: undefined, preflight: false });
  const preflight: RouteCheckState = Object.freeze({ challenge, result: undefined, preflight: true });
  const stateOf = (outcome: RequestAuthentication): RouteCheckState =>
    outcome.kind === 'authenticated'
      ? { challenge, result: outcome.auth, preflight: false }
      : outcome.kind === 'preflight'
        ? preflight
        : anonymous;
  return { verifier, options: split.request, requirements: split.requirements, challenge, stateOf };
}

/**
 * The challenge of checks made after `verifier` verified the token (route checks, an MCP tool's
 * requirements): in `realm` (default the verifier's), naming its resource's metadata URL, and both
 * schemes when the verifier takes DPoP, as its own refusals do (RFC 9449 section 7.1).
 * @example checkAuthRequirements(request.auth, requirements, verifierChallenge(verifier));
 */
export function verifierChallenge(verifier: AccessTokenVerifier, realm = verifier.realm): RouteChallenge {
  return { realm, resource: verifier.resource, dpop: verifier.dpop };
}
