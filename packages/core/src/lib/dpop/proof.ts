/**
 * The DPoP proof check at a resource server (RFC 9449 section 4.3 and section 7), top-down in one function:
 * one header, a well-formed JWT, `typ`, an allowed asymmetric `alg`, a public `jwk`, the claims,
 * `htm`, `htu`, `iat`, the server nonce, the signature, then the binding to the access token
 * (`ath`, `cnf.jkt`). Burning the proof against replay is left to the caller, to do last.
 */
import { LRUCache } from 'lru-cache';
import type { DpopRequest } from '../../dpop.js';
import { isTokenwardError, TokenwardError } from '../../errors.js';
import type { Runtime, VerificationKey } from '../../runtime.js';
import { encodeBase64url } from '../jose/base64url.js';
import { quote } from '../quote.js';
import { decodeJwt } from '../token/jwt.js';
import { createServerNonces } from './nonces.js';
import type { ResolvedDpopOptions } from './options.js';
import { invalidProof, readProofKey } from './proof-key.js';
import { checkTargetUri } from './target-uri.js';

/** Longest proof accepted, in characters: an 8192-bit RSA `jwk` and the claims fit with room to spare. */
export const MAX_PROOF_SIZE = 8192;
/** Longest `jti` accepted: RFC 9449 section 4.2 asks for 96 random bits or more, not for essays. */
export const MAX_JTI_LENGTH = 256;
/** Imported proof keys kept, by thumbprint: clients sign many proofs with one key. */
const KEY_CACHE_SIZE = 1000;

export interface ProofCheck {
  readonly request: DpopRequest;
  /** The access token exactly as sent, for `ath`. */
  readonly accessToken: string;
  /** The token's `cnf.jkt`, the thumbprint the proof key must have. */
  readonly boundThumbprint: string;
}

export interface CheckedProof {
  /** RFC 7638 thumbprint of the proof key (equal to the token's `cnf.jkt`). */
  readonly thumbprint: string;
  /** What to burn in the replay store: the key's thumbprint and a digest of the target URI and `jti`. */
  readonly replayKey: string;
  /** A current server nonce to send back, when the client's is from the previous step. */
  readonly nextNonce: string | undefined;
}

export type ProofChecker = (check: ProofCheck) => Promise<CheckedProof>;

export function createProofChecker(
  settings: ResolvedDpopOptions,
  { signatures, codec, digests }: Pick<Runtime, 'signatures' | 'codec' | 'digests'>,
  clock: () => number,
): ProofChecker {
  const keys = new LRUCache<string, Promise<VerificationKey>>({ max: KEY_CACHE_SIZE });
  const nonces =
    settings.nonceKeys === undefined ? undefined : createServerNonces(settings.nonceKeys, digests);
  const hash = async (text: string) => encodeBase64url(await digests.sha256(text));

  const nonceRequired = async (now: number, message: string) =>
    new TokenwardError(
      'ERR_DPOP_NONCE_REQUIRED',
      `DPoP proof ${message}; retry with the nonce in DPoP-Nonce (RFC 9449 section 9)`,
      {
        dpopNonce: await nonces!.current(now),
      },
    );

  return async ({ request, accessToken, boundThumbprint }) => {
    const now = clock();
    // Check 1: exactly one DPoP header.
    const proofs =
      request.proof === undefined ? [] : typeof request.proof === 'string' ? [request.proof] : request.proof;
    if (proofs.length !== 1) {
      throw invalidProof(
        `expected in exactly one DPoP header; found ${proofs.length} (RFC 9449 section 4.3 check 1)`,
      );
    }
    // Checks 2 and 5: one well-formed JWT whose alg is an allowed asymmetric one (decoding judges
    // the header first: alg, then no JWE member, crit or b64).
    let jwt: ReturnType<typeof decodeJwt>;
    try {
      jwt = decodeJwt(proofs[0]!.trim(), MAX_PROOF_SIZE, codec, settings.algorithms);
    } catch (error) {
      throw isTokenwardError(error) ? invalidProof(`is refused: ${error.message}`, error) : error;
    }
    const { header, payload } = jwt;
    // Checks 4 and 7: explicit type and a public key.
    if (!isDpopType(header.typ)) {
      throw invalidProof(
        `header "typ" must be "dpop+jwt"; found ${header.typ === undefined ? 'none' : quote(header.typ)}`,
      );
    }
    const key = readProofKey(header.jwk, header.alg);
    // Check 3: the claims RFC 9449 section 4.2 requires (ath: a token is presented with every proof here).
    const { jti, htm, htu, iat, ath, nonce } = payload;
    if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) {
      throw invalidProof(
        `"jti" must be a string of 1 to ${MAX_JTI_LENGTH} characters (RFC 9449 section 4.2)`,
      );
    }
    if (typeof htm !== 'string' || typeof htu !== 'string') {
      throw invalidProof('needs "htm" and "htu" as strings (RFC 9449 section 4.2)');
    }
    if (typeof iat !== 'number' || !Number.isFinite(iat))
      throw invalidProof('needs "iat" as a number (RFC 9449 section 4.2)');
    if (typeof ath !== 'string') {
      throw invalidProof('needs "ath", the hash of the access token it is sent with (RFC 9449 section 4.2)');
    }
    // Check 8: the method, compared exactly (RFC 9110 section 9.1: methods are case-sensitive).
    if (htm !== request.method) {
      throw invalidProof(
        `"htm" is ${quote(htm)}; this request's method is ${quote(request.method)} (RFC 9449 section 4.3 check 8)`,
      );
    }
    // Check 9: the target URI, also the context the proof's jti is remembered in (section 11.1).
    const targetUri = checkTargetUri(htu, request, settings);
    // Check 11: created within the window.
    const age = now / 1000 - iat;
    if (age > settings.maxProofAge) {
      throw invalidProof(
        `was created ${Math.floor(age)} s ago; at most ${settings.maxProofAge} s is accepted (dpop.maxProofAge)`,
      );
    }
    if (-age > settings.clockSkew) {
      throw invalidProof(
        `"iat" is ${Math.ceil(-age)} s in the future; at most ${settings.clockSkew} s is accepted (dpop.clockSkew)`,
      );
    }
    // Check 10: the server's nonce, when this API hands them out.
    let nextNonce: string | undefined;
    if (nonces !== undefined) {
      if (nonce === undefined) throw await nonceRequired(now, 'has no "nonce" and this API requires one');
      const verdict = typeof nonce === 'string' ? await nonces.check(nonce, now) : 'invalid';
      if (verdict === 'invalid')
        throw await nonceRequired(now, 'has a "nonce" that is not a current one from this API');
      if (verdict === 'previous') nextNonce = await nonces.current(now);
    }
    // Check 6: signed by the key in its header.
    const thumbprint = await hash(key.thumbprintInput);
    const cacheKey = `${header.alg} ${thumbprint}`;
    let imported = keys.get(cacheKey);
    if (imported === undefined) {
      imported = signatures.importKey(key.jwk, header.alg);
      keys.set(cacheKey, imported);
      imported.catch(() => keys.delete(cacheKey));
    }
    let verificationKey: VerificationKey;
    try {
      verificationKey = await imported;
    } catch (error) {
      throw invalidProof(`header "jwk" is not a usable ${header.alg} key`, error);
    }
    if (!(await signatures.verify(header.alg, verificationKey, jwt.signingInput, jwt.signature))) {
      throw invalidProof(
        `signature does not verify with the key in its header (RFC 9449 section 4.3 check 6)`,
      );
    }
    // Check 12: bound to this access token and to the token's key.
    if (ath !== (await hash(accessToken))) {
      throw new TokenwardError(
        'ERR_DPOP_BINDING_MISMATCH',
        'DPoP proof "ath" is not the hash of the access token it was sent with; expected base64url(SHA-256(access token)) (RFC 9449 section 4.3 check 12)',
      );
    }
    if (thumbprint !== boundThumbprint) {
      throw new TokenwardError(
        'ERR_DPOP_BINDING_MISMATCH',
        `DPoP proof is signed by the key ${quote(thumbprint)}; the access token is bound to ${quote(boundThumbprint)} (cnf.jkt, RFC 9449 section 6.1)`,
      );
    }
    // Section 11.1: a jti is remembered "in the context of the target URI", normalised, so two
    // APIs sharing one store never collide, and a replay cannot hide behind another spelling.
    return { thumbprint, replayKey: `dpop:${thumbprint}:${await hash(`${targetUri} ${jti}`)}`, nextNonce };
  };
}

/**
 * `typ` is a media type (RFC 7515 section 4.1.9): compared case-insensitively, `application/`
 * implied when absent, so `dpop+jwt` and `application/dpop+jwt` name the same type.
 */
function isDpopType(typ: unknown): boolean {
  if (typeof typ !== 'string') return false;
  const lower = typ.toLowerCase();
  return lower === 'dpop+jwt' || lower === 'application/dpop+jwt';
}
