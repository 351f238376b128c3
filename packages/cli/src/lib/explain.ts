/**
 * Every tokenward error code in plain language: what it means and what to do about it. The
 * table is typed by `ErrorCode`, so a code added to core without an explanation fails to compile.
 */
import { type ErrorCode, statusForCode } from '@tokenward/core';
import type { TokenBinding } from './token-binding.js';

export interface Explanation {
  /** What happened, in words a developer new to OAuth follows. */
  readonly meaning: string;
  /** What to do next. */
  readonly action: string;
}

/** Where to send people for a custom server when the token's domain is not known. */
const CUSTOM_SERVER_EXAMPLE = 'https://{yourDomain}/oauth2/default';

const UNREACHABLE_ACTION =
  'the token may well be fine: check that the issuer URL is right and reachable from here, then retry ' +
  '(APIs answer 503 with Retry-After meanwhile, so clients keep their tokens)';

const EXPLANATIONS: Record<ErrorCode, Explanation> = {
  ERR_TOKEN_MISSING: {
    meaning: 'the request carried no bearer token',
    action: 'send the access token in the header "Authorization: Bearer <token>"',
  },
  ERR_INVALID_REQUEST: {
    meaning: 'the Authorization header is malformed, or the token was sent more than one way',
    action: 'send exactly one "Authorization: Bearer <token>" header and no access_token parameter',
  },
  ERR_TOKEN_MALFORMED: {
    meaning: 'this is not a signed JWT (three base64url parts with JSON header and payload)',
    action:
      'copy the whole access_token value from the token response; opaque or encrypted tokens cannot be verified ' +
      'locally (verify --introspect asks the issuer about an opaque one)',
  },
  ERR_TOKEN_TOO_LARGE: {
    meaning: 'the token is larger than the configured limit, so it was refused before parsing',
    action:
      'check that you are sending the token itself; raise the limit (--max-token-size) only if your tokens are legitimately this big',
  },
  ERR_ALG_NOT_ALLOWED: {
    meaning: 'the token is signed with an algorithm the API does not accept ("none" and HS* never are)',
    action:
      "accept the authorization server's algorithm with --alg (e.g. --alg ES256); none and HS* are never accepted",
  },
  ERR_CRIT_UNSUPPORTED: {
    meaning: 'the token header demands JWS extensions ("crit" or "b64") that are not supported',
    action: 'the token was not made by a standard authorization server; get one from the issuer',
  },
  ERR_KEY_NOT_FOUND: {
    meaning: "none of the issuer's published keys matches the token's kid, even after refetching the key set",
    action:
      'the token was signed with a key this issuer does not publish (another server, or a retired key): get a new token',
  },
  ERR_SIGNATURE_INVALID: {
    meaning: 'the signature does not match the token content: it was altered or signed with another key',
    action: 'get a fresh token from the authorization server and send it unmodified',
  },
  ERR_TOKEN_EXPIRED: {
    meaning: "the token's lifetime (exp) is over",
    action: 'get a new access token (refresh it or request a new one) and retry',
  },
  ERR_TOKEN_NOT_YET_VALID: {
    meaning: 'the token is not valid yet (nbf or iat lies in the future beyond the clock tolerance)',
    action: 'check the clocks of this machine and of the issuer (NTP); retry shortly',
  },
  ERR_ISSUER_MISMATCH: {
    meaning:
      'the token comes from an authorization server this API does not trust; servers share no trust, even on one domain',
    action:
      "get the token from the authorization server the API is configured for (compare the token's iss with --issuer)",
  },
  ERR_ORG_SERVER_TOKEN: {
    meaning: "the org server's access tokens are for the vendor's own APIs, not for yours",
    action:
      `get a token from a custom authorization server such as ${CUSTOM_SERVER_EXAMPLE}; if the token's ` +
      "issuer is another vendor's root-path issuer, verify with --issuer set to it and --no-org-server-rules",
  },
  ERR_AUDIENCE_MISMATCH: {
    meaning: 'the token is meant for another API (its aud does not name this one)',
    action:
      "request the token for this API's audience (the custom server's audience setting, e.g. api://default)",
  },
  ERR_TYPE_INVALID: {
    meaning: 'this is not an access token (for example an ID token, which is meant for the client app)',
    action: 'send the access_token from the token response, not the id_token',
  },
  ERR_CLAIM_MISSING: {
    meaning: 'a claim the token must carry is missing',
    action:
      "check the authorization server's claim configuration, or whether this is the right kind of token",
  },
  ERR_CLAIM_INVALID: {
    meaning: 'a claim has the wrong type or a value the API does not accept',
    action: "check the authorization server's claim configuration and the API's claim requirements",
  },
  ERR_NONCE_MISMATCH: {
    meaning: "the ID token's nonce differs from the one the app sent (a replayed or mixed-up response)",
    action: 'start the sign-in again; keep the nonce per sign-in attempt',
  },
  ERR_AT_HASH_MISMATCH: {
    meaning: "the ID token's at_hash does not belong to the access token it came with",
    action: 'use the access token and ID token of the same token response',
  },
  ERR_C_HASH_MISMATCH: {
    meaning: "the ID token's c_hash does not belong to the authorization code it came with",
    action: 'use the code and ID token of the same authorization response',
  },
  ERR_AUTH_TIME_TOO_OLD: {
    meaning: 'the user signed in longer ago than max_age allows',
    action: 'ask the user to sign in again (prompt=login or max_age)',
  },
  ERR_INSUFFICIENT_SCOPE: {
    meaning: 'the token is genuine but lacks a scope this route needs',
    action:
      'request the token with the missing scope (and grant it to the client on the authorization server)',
  },
  ERR_POLICY_DENIED: {
    meaning: "the gateway's policy has no rule that admits this method and path, whatever the token",
    action: 'add a rule for the route to the gateway policy, or call a route the policy admits',
  },
  ERR_INSUFFICIENT_USER_AUTHENTICATION: {
    meaning: 'the token is genuine but the sign-in behind it is too weak or too old for this route',
    action:
      'sign the user in again with the acr_values / max_age from the challenge, then request a new token',
  },
  ERR_DISCOVERY_FAILED: {
    meaning: "the issuer's discovery document could not be fetched or used",
    action: UNREACHABLE_ACTION,
  },
  ERR_DISCOVERY_ISSUER_MISMATCH: {
    meaning: 'the discovery document names a different issuer than the one it was fetched for',
    action:
      'configure the issuer exactly as the discovery document spells it (scheme, host, path, no trailing slash)',
  },
  ERR_JWKS_FETCH_FAILED: {
    meaning: "the issuer's key set could not be fetched, and no usable cached copy is left",
    action: UNREACHABLE_ACTION,
  },
  ERR_JWKS_INVALID: {
    meaning: "the issuer's key set is not a usable JWK Set",
    action: "check the issuer's jwks_uri response (run `tokenward discover <issuer>`)",
  },
  ERR_KEY_NOT_CACHED: {
    meaning: 'verifySync was asked about a token whose issuer key is not loaded, and it never fetches',
    action: 'call verify() for this token (it fetches the key), or warm() the verifier before taking traffic',
  },
  ERR_TOKEN_INACTIVE: {
    meaning: 'the authorization server says the token is not active: revoked, expired, or not one it issued',
    action:
      'get a new access token; if it was just issued, check that the API asks the server that issued it',
  },
  ERR_INTROSPECTION_FAILED: {
    meaning:
      "the API could not ask the authorization server about the token, or the server refused the API's own client credentials",
    action:
      'the token may well be fine: check the introspection client id and secret (or key) and that the server is reachable, then retry',
  },
  ERR_DPOP_PROOF_INVALID: {
    meaning:
      'the DPoP proof sent with the token is not acceptable (form, key, method, URL, age or signature)',
    action:
      'make a fresh proof for this exact method and URL (no query), signed by the key the token is bound to, with the ath of this token',
  },
  ERR_DPOP_REPLAYED: {
    meaning: 'this DPoP proof was already used once; every request needs a new one',
    action: 'create a new proof (new jti, current iat) for every request, including retries',
  },
  ERR_DPOP_NONCE_REQUIRED: {
    meaning: 'the API wants its server nonce in the DPoP proof, and the proof had none or an old one',
    action: 'retry with a new proof whose nonce claim is the value of the DPoP-Nonce response header',
  },
  ERR_DPOP_BINDING_MISMATCH: {
    meaning:
      'the token and the way it was sent do not fit: a DPoP-bound token sent as Bearer, an unbound token sent with DPoP, ' +
      "a proof for another token or key, a binding the API cannot check (a client certificate), or an issuer's " +
      'introspection answer that binds the token differently',
    action:
      'send a DPoP-bound token as "Authorization: DPoP <token>" with a proof by its key; send unbound tokens as Bearer; ' +
      'a token bound to a client certificate cannot be used here at all',
  },
  ERR_REPLAY_STORE_UNAVAILABLE: {
    meaning: 'the API could not check the DPoP proof for reuse because its replay store did not answer',
    action:
      'the request may well be fine: retry after Retry-After; API operators should check the store (e.g. Redis)',
  },
  ERR_DECISION_TIMEOUT: {
    meaning:
      "the gateway's decision took longer than its decisionTimeout: the issuer's discovery, key set or introspection, or the replay store, did not answer in time",
    action:
      'the token may well be fine: retry after Retry-After; gateway operators should check the issuer and the gateway log',
  },
  ERR_CONFIG: {
    meaning: 'the verifier configuration is invalid',
    action: 'fix the flag or option named in the message',
  },
};

/**
 * `ERR_DPOP_BINDING_MISMATCH` for a token bound by a method no API behind tokenward can check, by
 * what its `cnf` names: no way of sending it helps.
 */
const UNCHECKABLE_BINDING: Readonly<Record<'certificate' | 'other', Explanation>> = {
  certificate: {
    meaning:
      'the token is bound to a client certificate (cnf x5t#S256, mutual TLS, RFC 8705), which the API cannot see, ' +
      'so it refuses the token however it is sent: accepted as a bearer token, a stolen copy could be replayed',
    action:
      'get a token that is DPoP-bound (cnf.jkt) or unbound for this API; an API that terminates mutual TLS itself ' +
      'must check certificate-bound tokens itself',
  },
  other: {
    meaning:
      'the token is bound by a confirmation method other than a DPoP key (a cnf member without jkt), which the API ' +
      'cannot check, so it refuses the token however it is sent',
    action: 'get a token that is DPoP-bound (cnf.jkt) or unbound for this API',
  },
};

/**
 * The explanation of `code`. `issuerOrigin`, when known (the token's domain), makes the
 * org-server advice point at that domain's default custom server; `binding`, what the token's
 * `cnf` names, picks the explanation of a binding refusal.
 */
export function explain(
  code: ErrorCode,
  context: { issuerOrigin?: string; binding?: TokenBinding | undefined } = {},
): Explanation {
  const entry = EXPLANATIONS[code];
  if (
    code === 'ERR_DPOP_BINDING_MISMATCH' &&
    (context.binding === 'certificate' || context.binding === 'other')
  ) {
    return UNCHECKABLE_BINDING[context.binding];
  }
  if (code === 'ERR_ORG_SERVER_TOKEN' && context.issuerOrigin !== undefined) {
    return {
      ...entry,
      action: entry.action.replace(CUSTOM_SERVER_EXAMPLE, `${context.issuerOrigin}/oauth2/default`),
    };
  }
  return entry;
}

/** True for the codes that mean "could not verify right now" (503), not "the token is bad". */
export function isUpstreamCode(code: ErrorCode): boolean {
  return statusForCode(code) === 503;
}
