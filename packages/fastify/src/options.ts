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
   * `realm` of the `WWW-Authenticate` challenge (RFC 6750 §3), e.g. `'orders-api'`.
   * Default: core's default realm, `'api'`.
   */
  realm?: string;
  /**
   * Accept the token from the `access_token` query parameter (RFC 6750 §2.3). Default `false`:
   * tokens in URLs end up in logs and history (RFC 9700 §4.3.2; BT-5, BT-8).
   */
  allowQuery?: boolean;
  /**
   * Accept the token from an `application/x-www-form-urlencoded` body (RFC 6750 §2.2; BT-4).
   * Default `false`. Needs a form body parser (e.g. `@fastify/formbody`); with `global` the hook
   * then runs at `preValidation`, after the body is parsed.
   */
  allowBody?: boolean;
}

/**
 * Plugin options: either the verifier options of `@tokenward/core` (`issuer`, `audience`, ...),
 * or a `verifier` you created (and may share), never both.
 */
export type TokenwardOptions = AdapterOptions &
  (
    | (AccessTokenVerifierOptions & { verifier?: never })
    | ({ verifier: AccessTokenVerifier } & { [Key in keyof AccessTokenVerifierOptions]?: never })
  );

export interface AdapterSettings {
  verifier: AccessTokenVerifier;
  global: boolean;
  realm: string | undefined;
  extraction: { allowQuery: boolean; allowBody: boolean };
}

/** Validates the plugin options (ERR_CONFIG naming the option) and builds the verifier. */
export function resolveSettings(options: TokenwardOptions): AdapterSettings {
  const { global, realm, allowQuery, allowBody, verifier, ...verifierOptions } = options;
  checkBoolean('global', global);
  checkBoolean('allowQuery', allowQuery);
  checkBoolean('allowBody', allowBody);
  if (realm !== undefined && (typeof realm !== 'string' || realm.length === 0)) {
    throw configError('realm must be a non-empty string');
  }
  return {
    verifier:
      verifier === undefined
        ? createAccessTokenVerifier(verifierOptions)
        : checkVerifier(verifier, verifierOptions),
    global: global ?? false,
    realm,
    extraction: { allowQuery: allowQuery ?? false, allowBody: allowBody ?? false },
  };
}

function checkVerifier(verifier: unknown, otherOptions: object): AccessTokenVerifier {
  const stray = Object.keys(otherOptions);
  if (stray.length > 0) {
    throw configError(
      `verifier and verifier options (${stray.join(', ')}) were both given; configure the verifier you pass`,
    );
  }
  if (typeof (verifier as { verify?: unknown } | null)?.verify !== 'function') {
    throw configError('verifier must come from createAccessTokenVerifier()');
  }
  return verifier as AccessTokenVerifier;
}

function checkBoolean(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw configError(`${name} must be a boolean, got ${JSON.stringify(value)}`);
  }
}

function configError(message: string): TokenwardError {
  return new TokenwardError('ERR_CONFIG', message);
}
