/** Signing algorithms the reference issuer can generate keys for. */
export type SigningAlg = 'RS256' | 'ES256' | 'PS256' | 'EdDSA';

/**
 * Authentication levels of the test user (`acr`), weakest first: one factor, two factors,
 * phishing-resistant, phishing-resistant with a hardware key.
 */
export type AcrValue = 'urn:tokenward:loa:1' | 'urn:tokenward:loa:2' | 'phr' | 'phrh';

/** A sign-in of the test user: at which level, and when. */
export interface TestUserSignIn {
  /** Level signed in at. Default `'urn:tokenward:loa:1'`. */
  acr?: AcrValue;
  /** Epoch seconds of the sign-in (`auth_time`). Default: now. @example Math.floor(Date.now() / 1000) - 3600 */
  authTime?: number;
}

/** Endpoints whose requests are counted and can be faulted. */
export type Endpoint = 'discovery' | 'jwks' | 'token' | 'authorize' | 'introspect' | 'revoke' | 'userinfo';

/** A client the token, authorize, introspect and revoke endpoints accept. */
export interface ClientRegistration {
  /** Client identifier, e.g. `'0oa1orders'`. */
  clientId: string;
  /** Secret for `client_secret_basic` / `client_secret_post`. Omit for a public (PKCE-only) client. */
  clientSecret?: string;
  /**
   * Public keys for `private_key_jwt` (RFC 7523 §2.2): the client signs its assertions with the
   * matching private key (RS256, PS256, ES256 or EdDSA). A client with keys is confidential.
   * @example { keys: [await exportJWK(publicKey)] } // jose
   */
  jwks?: { keys: Array<Record<string, unknown>> };
  /**
   * Format of the access tokens the token endpoint issues to this client: `'jwt'` (default) or
   * `'opaque'`, a random string only this server's introspection endpoint can resolve.
   */
  accessTokenFormat?: 'jwt' | 'opaque';
  /**
   * Scopes the client may request. Omitted: any syntactically valid scope (RFC 6749 §3.3).
   * Also the scopes granted when a token request names none.
   */
  scopes?: string[];
  /**
   * Redirect URIs allowed at the authorize endpoint, compared exactly.
   * Omitted: any `http://localhost` or `http://127.0.0.1` URI (any port, any path).
   */
  redirectUris?: string[];
  /** Servers that know this client: `'org'` and/or custom ids. Default: every server. */
  servers?: string[];
}

/** Options of {@link startIssuer}. */
export interface IssuerOptions {
  /** TCP port to listen on, 0-65535; `0` picks a free port. Default `0`. @example 8080 */
  port?: number;
  /** Host to bind, also used in every issuer URL. Default `'127.0.0.1'`. @example 'localhost' */
  host?: string;
  /**
   * Custom authorization server ids (1-64 of `[A-Za-z0-9_-]`, not `v1` or `org`). `'default'` is
   * always added first. Default `[]`. @example ['payments']
   */
  servers?: string[];
  /**
   * Extra clients; one with the id of a built-in client (`test-client`, `spa-client`) replaces it.
   * @example [{ clientId: 'orders', clientSecret: 's3cret', scopes: ['orders:read'] }]
   */
  clients?: ClientRegistration[];
  /** Algorithm of every server's initial signing key. Default `'RS256'` (the vendor's only default). */
  alg?: SigningAlg;
  /** `Cache-Control: max-age` of the JWKS responses, whole seconds ≥ 0. Default `300`. @example 60 */
  jwksMaxAge?: number;
  /**
   * Seconds a key replaced by `rotateKeys()` stays in the JWKS (≥ 0, `Infinity` = until
   * `retireKey()`). Default `3600`. @example 0
   */
  rotationOverlap?: number;
  /** Serve `/__admin/faults` and `/__admin/counts` (runtime fault injection). Default `false`. */
  admin?: boolean;
  /**
   * Token endpoints that require a server nonce in DPoP proofs (RFC 9449 §8): `true` for every
   * server, or a list of server ids (`'org'` or custom ids, also ones added later). A proof without
   * the current nonce gets `400 use_dpop_nonce` with a `DPoP-Nonce` header. Default `false`.
   * @example ['default']
   */
  dpopNonce?: boolean | readonly string[];
  /**
   * The test user's session when the issuer starts, as if signed in earlier at that level: a weak
   * `acr` or an old `authTime` reaches tokens until a request asks for more (`acr_values`,
   * `max_age`, `prompt=login`). Default: no session; the first authorization request signs in at
   * `'urn:tokenward:loa:1'`.
   * @example { acr: 'urn:tokenward:loa:1', authTime: Math.floor(Date.now() / 1000) - 3600 }
   */
  testUserSignIn?: TestUserSignIn;
  /**
   * Where the org server (issuer = origin) serves its endpoints: `'vendor'` under `/oauth2/v1/`
   * like the vendor's org server, `'generic'` at the root (`/keys`, `/token`, ...) like the many
   * other providers whose issuer is a bare origin. Default `'vendor'`. @example 'generic'
   */
  orgServerLayout?: OrgServerLayout;
}

/** Where the org server serves its endpoints; see `IssuerOptions.orgServerLayout`. */
export type OrgServerLayout = 'vendor' | 'generic';

/**
 * A deliberate misbehaviour of one endpoint. Applied before normal handling; fields combine in
 * this order: `reset`, `delayMs`, `redirectTo`, `status`/`body`/`contentType`, `issuer`.
 */
export interface Fault {
  /** `'org'` or a custom server id. Omitted: every server. */
  server?: string;
  /** The endpoint that misbehaves, e.g. `'jwks'`; required. */
  endpoint: Endpoint;
  /** Answer with this status; the body is a JSON error unless `body` is given. */
  status?: number;
  /** Milliseconds to wait before answering; `'never'` keeps the socket open without answering. */
  delayMs?: number | 'never';
  /** Raw response body (garbage JSON, a huge document, ...). Status 200 unless `status` is given. */
  body?: string | Uint8Array;
  /** `Content-Type` of the faulted response. Default `application/json`. */
  contentType?: string;
  /** Discovery only: serve the normal document with this `issuer` value. */
  issuer?: string;
  /** Extra response headers on the faulted answer (canned or normal), e.g. `{ 'Retry-After': '30' }`. */
  headers?: Record<string, string>;
  /** Answer `302 Found` with this `Location`. */
  redirectTo?: string;
  /** Destroy the socket without answering (the client sees a connection reset). */
  reset?: boolean;
  /** Apply this many times, then clear itself. Default: until cleared. */
  times?: number;
}

/** Options shared by `mintAccessToken` and `mintIdToken`. */
export interface MintOptions {
  /** Lifetime in seconds; negative gives an already expired token. Default `3600`. */
  expiresIn?: number;
  /** `nbf` = now + this many seconds. Omitted: no `nbf`. */
  notBefore?: number;
  /** `iat` in epoch seconds. Default: now. */
  issuedAt?: number;
  /** "Now" in epoch seconds for `iat`, `exp`, `nbf`. Default `Date.now()`. */
  now?: number;
  /** Replaces the default `aud`. */
  audience?: string | string[];
  /**
   * Merged into the protected header after the defaults (`alg`, `kid`, `typ`); a `null` value removes
   * that member, e.g. `{ kid: null }`. The signature always uses the real key, whatever `alg` says.
   */
  header?: Record<string, unknown>;
  /** Claim names deleted after building, e.g. `['exp']`. */
  omit?: string[];
  /**
   * Sign with another server's active key (keeping this server's `iss`), or with `'unpublished'`,
   * a key of this server that no JWKS serves.
   */
  signWith?: AuthServer | 'unpublished';
  /** Sign with this server's active key of that algorithm (`addKey(alg)` first). */
  alg?: SigningAlg;
  /** Header `typ`. Access tokens: none by default (like the vendor); ID tokens `'JWT'`. `null` removes. */
  typ?: string | null;
  /**
   * Access tokens only: bind the token to a DPoP key by its RFC 7638 SHA-256 thumbprint
   * (`cnf: { jkt }`, RFC 9449 §6.1). A `cnf` claim passed in `claims` wins.
   * @example await calculateJwkThumbprint(publicJwk) // jose
   */
  dpopJkt?: string;
  /**
   * Access tokens only: `'opaque'` returns a random string the server remembers with these claims,
   * which only its introspection endpoint resolves (`header`, `signWith`, `alg`, `typ` do not apply).
   * Default `'jwt'`.
   */
  format?: 'jwt' | 'opaque';
}

/** Extra options of `mintIdToken`. */
export interface IdTokenMintOptions extends MintOptions {
  /** `aud` of the ID token. Default `'spa-client'`. */
  clientId?: string;
  /** Adds `at_hash` for this access token (OIDC Core §3.1.3.6). */
  accessToken?: string;
  /** Adds `c_hash` for this authorization code (OIDC Core §3.3.2.11). */
  code?: string;
}

/** Public JWK as served by the JWKS endpoint. */
export interface PublishedJwk {
  kty: string;
  kid: string;
  alg: SigningAlg;
  use: 'sig';
  [member: string]: unknown;
}

/** How introspection answers about one token (`AuthServer.reshapeIntrospection`). */
export interface IntrospectionReshape {
  /** Members left out of the answer; `'all'` leaves only `{"active": true}`. */
  readonly omit?: readonly string[] | 'all';
  /** Members stated as given, after `omit` (`active` cannot be changed). */
  readonly set?: Readonly<Record<string, unknown>>;
}

/** One authorization server: the org server or a custom one. */
export interface AuthServer {
  readonly kind: 'org' | 'custom';
  /** `'org'` for the org server, else the custom id. */
  readonly id: string;
  readonly issuer: string;
  /** Default access-token `aud`: `api://default`, `api://{id}`, or the origin for the org server. */
  readonly audience: string;
  /** `{issuer}/.well-known/openid-configuration`. */
  readonly discoveryUrl: string;
  /** Custom: `{issuer}/v1/keys`; org: `{origin}/oauth2/v1/keys`. */
  readonly jwksUri: string;
  /** Custom: `{issuer}/v1/token`; org: `{origin}/oauth2/v1/token`. */
  readonly tokenEndpoint: string;
  /** Custom: `{issuer}/v1/authorize`; org: `{origin}/oauth2/v1/authorize`. */
  readonly authorizationEndpoint: string;
  /** Custom: `{issuer}/v1/introspect`; org: `{origin}/oauth2/v1/introspect`. */
  readonly introspectionEndpoint: string;
  /** Custom: `{issuer}/v1/userinfo`; org: `{origin}/oauth2/v1/userinfo`. */
  readonly userinfoEndpoint: string;
  /** Custom: `{issuer}/v1/revoke`; org: `{origin}/oauth2/v1/revoke` (RFC 7009). */
  readonly revocationEndpoint: string;
  /** Kid of the active key of the server's default algorithm. */
  readonly activeKid: string;
  mintAccessToken(claims?: Record<string, unknown>, options?: MintOptions): Promise<string>;
  mintIdToken(claims?: Record<string, unknown>, options?: IdTokenMintOptions): Promise<string>;
  /**
   * Revokes a token of this server, as the revocation endpoint does: introspection then answers
   * `active: false`. Returns `false` when the token is not one of this server's.
   */
  revokeToken(token: string): boolean;
  /**
   * Takes `scopes` back from a live token of this server, as when its user withdraws consent to
   * them: the token stays live, and introspection answers its `scope` without them (a JWT itself
   * is unchanged). Returns `false` when the token is not one of this server's live tokens.
   */
  withdrawScopes(token: string, scopes: readonly string[]): boolean;
  /**
   * Makes introspection answer about a live token of this server as another authorization server
   * might, within RFC 7662 section 2.2: with members left out (only `active` is required) or
   * stated otherwise than the token says (an `acr` or `auth_time` of another sign-in). The token
   * itself is unchanged, and once it is revoked or expired the answer is `{"active": false}` as
   * usual. A later call replaces an earlier one. Returns `false` when the token is not one of this
   * server's live tokens.
   */
  reshapeIntrospection(token: string, reshape: IntrospectionReshape): boolean;
  /** New active key of the default algorithm; the previous one stays published for `rotationOverlap`. */
  rotateKeys(): { kid: string };
  /** Removes the key from the JWKS. A retired active key keeps signing until the next rotation. */
  retireKey(kid: string): void;
  /** New published key that becomes the active key for `alg`. */
  addKey(alg: SigningAlg): { kid: string };
  /** Exactly what the JWKS endpoint serves. */
  jwks(): { keys: PublishedJwk[] };
}

/** A running reference issuer: one HTTP server with the org server and custom servers. */
export interface ReferenceIssuer {
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  readonly orgServer: AuthServer;
  /** Custom servers in creation order. */
  readonly servers: readonly AuthServer[];
  /** `'org'` or a custom id; throws for an unknown id. */
  server(id: string): AuthServer;
  /** Adds a custom server; the id defaults to `aus` + 17 random alphanumerics. */
  addServer(id?: string): AuthServer;
  /**
   * Replaces the test user's session, shared by every server, as if the user had just signed in at
   * `acr` (default `'urn:tokenward:loa:1'`) at `authTime` (default now).
   */
  signInTestUser(signIn?: TestUserSignIn): void;
  /** Replaces any fault for the same (server, endpoint). */
  setFault(fault: Fault): void;
  clearFaults(): void;
  /** Requests seen, optionally for one server (`'org'` or custom id) and/or endpoint. */
  requestCount(filter?: { server?: string; endpoint?: Endpoint }): number;
  resetCounts(): void;
  /** Stops listening and destroys every socket, including ones held by `delayMs: 'never'`. */
  close(): Promise<void>;
}
