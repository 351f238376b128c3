import { DpopNonces } from './lib/dpop/nonces.js';
import { KeyRing, type SigningKey } from './lib/keys.js';
import { accessTokenClaims, applyOmit, idTokenClaims, signToken } from './lib/mint.js';
import { resolveActiveToken } from './lib/resolve-token.js';
import { TokenRegistry } from './lib/token-registry.js';
import type {
  AuthServer,
  IdTokenMintOptions,
  IntrospectionReshape,
  MintOptions,
  OrgServerLayout,
  PublishedJwk,
  SigningAlg,
} from './types.js';

/** Construction parameters of one authorization server. */
export interface AuthServerConfig {
  kind: 'org' | 'custom';
  /** Custom server id; ignored for the org server (whose id is `'org'`). */
  id: string;
  origin: string;
  alg: SigningAlg;
  rotationOverlap: number;
  /** The token endpoint answers DPoP proofs without a current nonce with `use_dpop_nonce`. */
  requireDpopNonce: boolean;
  /** Where the org server's endpoints live; custom servers ignore it. */
  orgServerLayout: OrgServerLayout;
  /** First signing key, generated ahead of time; made synchronously when omitted. */
  initialKey?: SigningKey;
}

/** One authorization server: its URLs, its own key ring, and token minting. */
export class ReferenceAuthServer implements AuthServer {
  readonly kind: 'org' | 'custom';
  readonly id: string;
  readonly origin: string;
  readonly issuer: string;
  readonly audience: string;
  readonly discoveryUrl: string;
  readonly oauthMetadataUrl: string;
  readonly jwksUri: string;
  readonly tokenEndpoint: string;
  readonly authorizationEndpoint: string;
  readonly introspectionEndpoint: string;
  readonly userinfoEndpoint: string;
  readonly revocationEndpoint: string;
  /** Internal: opaque tokens, revoked `jti`s and withdrawn scopes of this server. */
  readonly tokens = new TokenRegistry();
  /** Internal: the server's keys; not part of the public `AuthServer` interface. */
  readonly keyRing: KeyRing;
  /** Internal: the token endpoint's DPoP nonces, when it requires them (RFC 9449 §8). */
  readonly dpopNonces: DpopNonces | undefined;

  constructor(config: AuthServerConfig) {
    this.kind = config.kind;
    this.origin = config.origin;
    if (config.kind === 'org') {
      this.id = 'org';
      this.issuer = config.origin;
      this.audience = config.origin;
    } else {
      this.id = config.id;
      this.issuer = `${config.origin}/oauth2/${config.id}`;
      this.audience = `api://${config.id}`;
    }
    // The vendor's org server keeps its endpoints under /oauth2/v1 although its issuer is the bare
    // origin; a generic root-path issuer serves them at the root.
    const orgBase = config.orgServerLayout === 'vendor' ? `${config.origin}/oauth2/v1` : config.origin;
    const endpointBase = config.kind === 'org' ? orgBase : `${this.issuer}/v1`;
    this.discoveryUrl = `${this.issuer}/.well-known/openid-configuration`;
    this.oauthMetadataUrl = `${this.issuer}/.well-known/oauth-authorization-server`;
    this.jwksUri = `${endpointBase}/keys`;
    this.tokenEndpoint = `${endpointBase}/token`;
    this.authorizationEndpoint = `${endpointBase}/authorize`;
    this.introspectionEndpoint = `${endpointBase}/introspect`;
    this.userinfoEndpoint = `${endpointBase}/userinfo`;
    this.revocationEndpoint = `${endpointBase}/revoke`;
    this.keyRing = new KeyRing(config.alg, config.rotationOverlap, config.initialKey);
    this.dpopNonces = config.requireDpopNonce ? new DpopNonces() : undefined;
  }

  get activeKid(): string {
    return this.keyRing.active().kid;
  }

  async mintAccessToken(claims: Record<string, unknown> = {}, options: MintOptions = {}): Promise<string> {
    const payload = accessTokenClaims(this, claims, options);
    if (options.format === 'opaque') {
      return this.tokens.issueOpaque(applyOmit(payload, options), Math.floor(Date.now() / 1000));
    }
    return signToken(payload, options, undefined, this.#signingKey(options));
  }

  async mintIdToken(claims: Record<string, unknown> = {}, options: IdTokenMintOptions = {}): Promise<string> {
    const key = this.#signingKey(options);
    return signToken(idTokenClaims(this, claims, options, key), options, 'JWT', key);
  }

  revokeToken(token: string): boolean {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const active = resolveActiveToken(this, token, nowSeconds);
    if (!active) return false;
    return active.format === 'opaque'
      ? this.tokens.revokeOpaque(token)
      : this.tokens.revokeJwt(active.claims, nowSeconds);
  }

  withdrawScopes(token: string, scopes: readonly string[]): boolean {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const active = resolveActiveToken(this, token, nowSeconds);
    if (!active) return false;
    this.tokens.withdrawScopes(token, active.claims, scopes, nowSeconds);
    return true;
  }

  reshapeIntrospection(token: string, reshape: IntrospectionReshape): boolean {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const active = resolveActiveToken(this, token, nowSeconds);
    if (!active) return false;
    this.tokens.reshapeIntrospection(token, active.claims, reshape, nowSeconds);
    return true;
  }

  rotateKeys(): { kid: string } {
    return { kid: this.keyRing.rotate().kid };
  }

  retireKey(kid: string): void {
    this.keyRing.retire(kid);
  }

  addKey(alg: SigningAlg): { kid: string } {
    return { kid: this.keyRing.add(alg).kid };
  }

  jwks(): { keys: PublishedJwk[] } {
    return { keys: this.keyRing.published().map((key) => ({ ...key.jwk })) };
  }

  #signingKey(options: MintOptions): SigningKey {
    const { signWith, alg } = options;
    if (signWith === undefined) return this.keyRing.active(alg);
    if (signWith === 'unpublished') return this.keyRing.unpublished(alg);
    if (!(signWith instanceof ReferenceAuthServer)) {
      throw new Error('signWith: pass a server of this reference issuer or "unpublished"');
    }
    return signWith.keyRing.active(alg);
  }
}
