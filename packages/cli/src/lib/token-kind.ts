/**
 * Guesses from its content whether a token is an access token or an ID token (RFC 9068 §5):
 * ID tokens carry `nonce`/`at_hash`/`c_hash` and name the client app in `aud`; access tokens
 * name their client in `cid`/`client_id`, carry scopes, or are typed `at+jwt` (RFC 9068).
 */

export type TokenKind = 'access' | 'id' | 'unknown';

export interface TokenKindGuess {
  readonly kind: TokenKind;
  /** Why, in short phrases. */
  readonly reasons: readonly string[];
}

const ID_TOKEN_CLAIMS = ['nonce', 'at_hash', 'c_hash'] as const;
const AT_JWT = /^(?:application\/)?at\+jwt$/i;

export function guessTokenKind(
  header: Readonly<Record<string, unknown>>,
  payload: Readonly<Record<string, unknown>>,
): TokenKindGuess {
  const idClaims = ID_TOKEN_CLAIMS.filter((name) => payload[name] !== undefined);
  if (idClaims.length > 0) {
    return { kind: 'id', reasons: idClaims.map((name) => `carries "${name}", a claim only ID tokens have`) };
  }
  if (typeof header.typ === 'string' && AT_JWT.test(header.typ)) {
    return { kind: 'access', reasons: [`typed "${header.typ}" (RFC 9068)`] };
  }
  const accessMarks = ['cid', 'client_id', 'scp', 'scope'].filter((name) => payload[name] !== undefined);
  if (accessMarks.length > 0) {
    return { kind: 'access', reasons: [`carries ${accessMarks.map((name) => `"${name}"`).join(', ')}`] };
  }
  const audience = clientIdLikeAudience(payload.aud);
  if (audience !== undefined) {
    return {
      kind: 'id',
      reasons: [
        `aud ${JSON.stringify(audience)} looks like a client id, not an API`,
        'no client id (cid/client_id) and no scopes',
      ],
    };
  }
  return { kind: 'unknown', reasons: ['neither ID-token nor access-token claims'] };
}

/**
 * An `aud` naming an app rather than an API: one value without `:` or `/` (API audiences are
 * usually URIs such as `api://default`), or one equal to `azp`.
 */
function clientIdLikeAudience(aud: unknown): string | undefined {
  const single = Array.isArray(aud) && aud.length === 1 ? aud[0] : aud;
  if (typeof single !== 'string' || single === '') return undefined;
  return /[:/]/.test(single) ? undefined : single;
}
