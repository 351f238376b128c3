import {
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  createAccessTokenVerifier,
  TokenwardError,
} from '@tokenward/core';

/** Options of the Fastify adapter itself, next to the verifier's. */
export interface AdapterOptions {
  /**
   * Authenticate every route of the context the plugin is registered in (and its children),
   * except routes with `config: { auth: false }`. Default `false`: only routes with
   * `config.auth` or a `requireAuth()` hook are protected.
   */
  global?: boolean;
  /**
   * `realm` of every `WWW-Authenticate` challenge (RFC 6750 §3): printable ASCII without `"` or
   * `\`. Passed to the verifier too when the plugin builds it; beside a `verifier`, it replaces
   * that verifier's realm in this plugin's answers. Default: the verifier's `realm` (core's `'api'`
   * unless the verifier was built with another), for its errors and the plugin's own
   * (`ERR_TOKEN_MISSING`, `ERR_INVALID_REQUEST`) alike.
   * @example 'orders-api'
   */
  realm?: string;
  /**
   * Accept the token from the `access_token` query parameter (RFC 6750 §2.3). Default `false`:
   * tokens in URLs end up in logs and history (RFC 9700 §4.3.2).
   */
  allowQuery?: boolean;
  /**
   * Accept the token from an `application/x-www-form-urlencoded` POST body (RFC 6750 §2.2).
   * Default `false`. Needs a form body parser (e.g. `@fastify/formbody`); with `global` the hook
   * then runs at `preValidation`, after the body is parsed.
   */
  allowBody?: boolean;
}

type KeysOfUnion<Union> = Union extends unknown ? keyof Union : never;
type VerifierOptionKey = Exclude<KeysOfUnion<AccessTokenVerifierOptions>, keyof AdapterOptions>;

/**
 * Plugin options: the verifier options of `@tokenward/core` (`issuer`, `audience`, ...) or a
 * `verifier` you created (and may share), never both; plus the {@link AdapterOptions}.
 */
export type TokenwardOptions = AdapterOptions &
  (
    | (AccessTokenVerifierOptions & { verifier?: never })
    | ({ verifier: AccessTokenVerifier } & { [Key in VerifierOptionKey]?: never })
  );

export interface AdapterSettings {
  verifier: AccessTokenVerifier;
  global: boolean;
  realm: string | undefined;
  extraction: { allowQuery: boolean; allowBody: boolean };
}

// RFC 6750 §3: auth-param values are limited to %x20-21 / %x23-5B / %x5D-7E.
const REALM = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;

/** Validates the plugin options (ERR_CONFIG naming the option) and builds the verifier. */
export function resolveSettings(options: TokenwardOptions): AdapterSettings {
  const { global, allowQuery, allowBody, verifier, ...verifierOptions } = options;
  checkBoolean('global', global);
  checkBoolean('allowQuery', allowQuery);
  checkBoolean('allowBody', allowBody);
  const { realm } = verifierOptions;
  if (realm !== undefined && (typeof realm !== 'string' || !REALM.test(realm))) {
    throw configError(
      `realm must be a non-empty string of printable ASCII without " or \\; got ${found(realm)}`,
    );
  }
  const resolvedVerifier =
    verifier === undefined
      ? createAccessTokenVerifier(verifierOptions as AccessTokenVerifierOptions)
      : checkVerifier(verifier, verifierOptions);
  return {
    verifier: resolvedVerifier,
    global: global ?? false,
    // A verifier passed in already knows its realm: the plugin's own challenges use it too.
    realm: realm ?? resolvedVerifier.realm,
    extraction: { allowQuery: allowQuery ?? false, allowBody: allowBody ?? false },
  };
}

function checkVerifier(verifier: unknown, otherOptions: { realm?: string }): AccessTokenVerifier {
  const { realm: _adapterRealm, ...verifierOptions } = otherOptions;
  const stray = Object.keys(verifierOptions);
  if (stray.length > 0) {
    throw configError(
      `verifier was given together with verifier options (${stray.join(', ')}); configure the verifier instead`,
    );
  }
  if (typeof (verifier as { verify?: unknown } | null)?.verify !== 'function') {
    throw configError(`verifier must come from createAccessTokenVerifier(); got ${found(verifier)}`);
  }
  return verifier as AccessTokenVerifier;
}

function checkBoolean(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw configError(`${name} must be a boolean; got ${found(value)}`);
  }
}

function found(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : value === null ? 'null' : typeof value;
}

function configError(message: string): TokenwardError {
  return new TokenwardError('ERR_CONFIG', message);
}
