/**
 * The public types of `createIdTokenVerifier`: its options, per-call options and result. They live
 * apart from the factory so the ID-token internals can use them without importing the factory.
 */
import type { VerifierSettings } from './options.js';
import type { AuthorizationServerInfo, JwtHeader } from './types.js';

/** Options of `createIdTokenVerifier`. Checked at construction; a bad one throws `ERR_CONFIG` naming it. */
export interface IdTokenVerifierOptions
  extends Omit<VerifierSettings, 'typ' | 'orgServerRules' | 'resultCache' | 'realm' | 'acrLevels'> {
  /**
   * The authorization server that signs the ID tokens, compared with `iss` character for
   * character (OIDC Core §3.1.3.7 step 2). Any kind: the org server (`https://{domain}`), a custom server
   * (`https://{domain}/oauth2/{id}`) or another vendor's issuer. `https` (plain `http` only for
   * loopback hosts).
   * @example 'https://acme.okta.com'
   */
  readonly issuer: string;
  /**
   * This application's client id: `aud` must contain it and `azp`, when present, must equal it
   * (OIDC Core §3.1.3.7 steps 3-5).
   * @example '0oa1b2c3d4e5f6g7h8i9'
   */
  readonly clientId: string;
  /**
   * Other audiences this client trusts to appear in `aud` beside `clientId`. OIDC Core §3.1.3.7
   * step 3 requires refusing tokens with audiences the client does not trust. Default `[]`: `aud`
   * may hold `clientId` only.
   * @example ['api://default']
   */
  readonly trustedAudiences?: readonly string[];
  /**
   * JWK Set URL, skipping discovery. `https`, same origin as the issuer unless the origin is in
   * `allowedJwksOrigins`. Default: `jwks_uri` from the issuer's metadata.
   * @example 'https://acme.okta.com/oauth2/v1/keys'
   */
  readonly jwksUri?: string;
  /**
   * INSECURE, for development only: fetch the issuer's discovery document and keys over plain
   * `http` from a host that is not loopback (e.g. `http://keycloak:8080/realms/dev`). Anyone on the
   * network path can then substitute keys. Every such fetch emits an `insecure_http` event.
   * Loopback hosts need no opt-in. Default `false`.
   * @example true
   */
  readonly allowInsecureHttp?: boolean;
}

/** What the client sent and received in the sign-in this ID token answers. Every member optional. */
export interface VerifyIdTokenOptions {
  /**
   * The `nonce` sent in the authentication request; the token's must equal it (OIDC Core
   * §3.1.3.7 step 11). When omitted, a token that carries a nonce is refused: it answers a request
   * that sent one, not this one (OIDC Core §15.5.2).
   */
  readonly nonce?: string;
  /**
   * The access token received with the ID token; checked against `at_hash` when the token has one
   * (OIDC Core §3.2.2.9).
   */
  readonly accessToken?: string;
  /**
   * The authorization code received with the ID token; checked against `c_hash` when the token
   * has one (OIDC Core §3.3.2.11).
   */
  readonly code?: string;
  /**
   * The `max_age` sent, in seconds (≥ 0): the token must carry `auth_time`, no older than this plus
   * the clock tolerance (OIDC Core §3.1.3.7 step 13).
   * @example 300
   */
  readonly maxAge?: number;
  /**
   * Acceptable authentication context classes: the token's `acr` must be one of them (OIDC Core
   * §3.1.3.7 step 12).
   * @example ['urn:okta:loa:2fa:any']
   */
  readonly acrValues?: readonly string[];
}

/** The claims of a verified ID token. Registered and OIDC claims are type-checked; others pass as is. */
export interface IdTokenClaims {
  readonly iss: string;
  /** At most 255 ASCII characters (OIDC Core §2). */
  readonly sub: string;
  readonly aud: string | readonly string[];
  /** Expiry, seconds since the epoch. */
  readonly exp: number;
  /** Issue time, seconds since the epoch. */
  readonly iat: number;
  readonly nbf?: number;
  readonly jti?: string;
  /** When the user authenticated, seconds since the epoch. */
  readonly auth_time?: number;
  readonly nonce?: string;
  readonly acr?: string;
  readonly amr?: readonly string[];
  /** Authorized party: the client the token was issued to. */
  readonly azp?: string;
  readonly at_hash?: string;
  readonly c_hash?: string;
  readonly sid?: string;
  readonly [claim: string]: unknown;
}

/** `address` (OIDC Core §5.1.1). */
export interface IdTokenAddress {
  readonly formatted?: string;
  readonly streetAddress?: string;
  readonly locality?: string;
  readonly region?: string;
  readonly postalCode?: string;
  readonly country?: string;
}

/** The standard profile claims the token carries (OIDC Core §5.1), in camelCase. */
export interface IdTokenProfile {
  readonly name?: string;
  readonly givenName?: string;
  readonly familyName?: string;
  readonly middleName?: string;
  readonly nickname?: string;
  readonly preferredUsername?: string;
  /** Profile page URL. */
  readonly profile?: string;
  readonly picture?: string;
  readonly website?: string;
  readonly email?: string;
  readonly emailVerified?: boolean;
  readonly gender?: string;
  /** `YYYY-MM-DD`, `0000-MM-DD` or `YYYY`. */
  readonly birthdate?: string;
  readonly zoneinfo?: string;
  readonly locale?: string;
  readonly phoneNumber?: string;
  readonly phoneNumberVerified?: boolean;
  readonly address?: IdTokenAddress;
  readonly updatedAt?: Date;
}

/** A verified ID token. Frozen. */
export interface IdTokenResult {
  /** The token exactly as verified. */
  readonly token: string;
  readonly header: JwtHeader;
  readonly claims: IdTokenClaims;
  /** `iss`, equal to the configured issuer. */
  readonly issuer: string;
  /** `sub`: the user, stable within this issuer. */
  readonly subject: string;
  /** `aud` as a list. */
  readonly audience: readonly string[];
  /** `azp`, when present (then equal to `clientId`). */
  readonly authorizedParty?: string;
  readonly expiresAt: Date;
  readonly issuedAt: Date;
  /** `auth_time` as a date, when present. */
  readonly authTime?: Date;
  readonly nonce?: string;
  readonly acr?: string;
  readonly amr?: readonly string[];
  readonly profile: IdTokenProfile;
  readonly server: AuthorizationServerInfo;
}

/** Verifies ID tokens of one issuer for one client. */
export interface IdTokenVerifier {
  /**
   * Verifies `idToken` against what the sign-in sent and received. Resolves to a frozen result
   * or rejects with a `TokenwardError` (`ERR_CONFIG` for malformed `options`).
   */
  verify(idToken: string, options?: VerifyIdTokenOptions): Promise<IdTokenResult>;
  /** Loads the issuer's keys now (discovery and JWKS), e.g. while the user is redirected. */
  warm(): Promise<void>;
  readonly issuer: string;
  readonly clientId: string;
}

export type CreateIdTokenVerifier = (options: IdTokenVerifierOptions) => IdTokenVerifier;
