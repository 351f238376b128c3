/**
 * Reads a JWK Set (RFC 7517 §5) into the keys that may verify signatures. Keys that cannot are
 * skipped, not fatal (RFC 7517 §5: "SHOULD ignore JWKs with unknown kty, missing members, or
 * out-of-range values"), and each skip is recorded with its reason so that an empty result can
 * say why.
 */

import type { JsonWebKeyLike } from '../../runtime.js';
import { coordinateBytes, type KeyType, rsaPublicKeyProblem, shapeServes } from '../jose/algorithms.js';
import { decodeBase64url } from '../jose/base64url.js';
import { isSmallOrderEd25519 } from '../jose/ed25519.js';
import { PRIVATE_MEMBERS, verifyUseProblem } from '../jose/key-use.js';
import { quote } from '../quote.js';

/** A published key that passed every check, reduced to its public members. */
export interface UsableKey {
  readonly kid: string | undefined;
  readonly kty: KeyType;
  readonly crv: string | undefined;
  /** The `alg` the key was published with, if any. */
  readonly alg: string | undefined;
  /**
   * Allowed algorithms this key may verify: its declared `alg` alone, or, when it declares
   * none, every allowed algorithm its type serves.
   */
  readonly algorithms: readonly string[];
  /** Public members only: what the signature primitive imports. */
  readonly jwk: JsonWebKeyLike;
  /** Canonical text of everything above, to tell a changed key set from a re-served one. */
  readonly fingerprint: string;
}

export interface SkippedKey {
  readonly kid: string | undefined;
  readonly reason: string;
  /** An object with a string `kty` (RFC 7517 §4.1): a JWK, if one this verifier cannot use. */
  readonly isJwk: boolean;
}

export interface KeySelection {
  readonly usable: UsableKey[];
  readonly skipped: SkippedKey[];
}

export type KeySetParse =
  | { readonly ok: true; readonly selection: KeySelection }
  | { readonly ok: false; readonly problem: string };

/** Reads the `keys` of a JWK Set document that has already been parsed as a JSON object. */
export function parseKeySet(
  document: Record<string, unknown>,
  algorithms: readonly string[],
  maxKeys: number,
): KeySetParse {
  const keys = document.keys;
  if (!Array.isArray(keys)) return { ok: false, problem: 'has no "keys" array' };
  if (keys.length > maxKeys) {
    return { ok: false, problem: `holds ${keys.length} keys; at most ${maxKeys} are accepted` };
  }
  const usable: UsableKey[] = [];
  const skipped: SkippedKey[] = [];
  for (const entry of keys) {
    const checked = checkKey(entry, algorithms);
    if ('reason' in checked) skipped.push(checked);
    else usable.push(checked);
  }
  return { ok: true, selection: { usable, skipped } };
}

function checkKey(entry: unknown, allowed: readonly string[]): UsableKey | SkippedKey {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return { kid: undefined, reason: 'is not a JSON object', isJwk: false };
  }
  const jwk = entry as JsonWebKeyLike;
  const isJwk = typeof jwk.kty === 'string';
  if (jwk.kid !== undefined && typeof jwk.kid !== 'string') {
    return { kid: undefined, reason: '"kid" is not a string', isJwk };
  }
  const kid = jwk.kid;
  const skip = (reason: string): SkippedKey => ({ kid, reason, isJwk });
  // MD-6: a key set must never carry private or symmetric keys; one that does is mis-published.
  if (jwk.kty === 'oct') return skip('is a symmetric ("oct") key, which is never accepted');
  if (PRIVATE_MEMBERS.some((member) => jwk[member] !== undefined)) {
    return skip('contains private key members');
  }
  if (jwk.kty !== 'RSA' && jwk.kty !== 'EC' && jwk.kty !== 'OKP') {
    return skip(`has unsupported "kty" ${quote(String(jwk.kty))}`);
  }
  const useProblem = verifyUseProblem(jwk);
  if (useProblem !== undefined) return skip(useProblem);
  if (jwk.crv !== undefined && typeof jwk.crv !== 'string') return skip('"crv" is not a string');
  const kty = jwk.kty;
  const crv = jwk.crv;
  const algorithms = servedAlgorithms(jwk.alg, kty, crv, allowed);
  if (typeof algorithms === 'string') return skip(algorithms);
  const material = publicMaterial(jwk, kty, crv);
  if (typeof material === 'string') return skip(material);
  const fingerprint = [
    kid ?? '',
    algorithms.join(','),
    kty,
    crv ?? '',
    material.n ?? material.x,
    material.e ?? material.y ?? '',
  ].join('|');
  return { kid, kty, crv, alg: jwk.alg as string | undefined, algorithms, jwk: material, fingerprint };
}

/** The allowed algorithms this key serves, or why it serves none. */
function servedAlgorithms(
  alg: unknown,
  kty: KeyType,
  crv: string | undefined,
  allowed: readonly string[],
): readonly string[] | string {
  if (alg !== undefined) {
    if (typeof alg !== 'string') return '"alg" is not a string';
    if (!allowed.includes(alg)) return `has "alg" ${quote(alg)}, which is not in the allowed algorithms`;
    if (!shapeServes(kty, crv, alg)) return `has "alg" ${quote(alg)}, which its key type cannot serve`;
    return [alg];
  }
  const served = allowed.filter((candidate) => shapeServes(kty, crv, candidate));
  if (served.length === 0) {
    return `is ${kty}${crv === undefined ? '' : ` ${crv}`}, which serves none of the allowed algorithms (${allowed.join(', ')})`;
  }
  return served;
}

interface PublicMaterial extends JsonWebKeyLike {
  readonly kty: KeyType;
  readonly n?: string;
  readonly e?: string;
  readonly crv?: string;
  readonly x?: string;
  readonly y?: string;
}

/** The public members of the key, after checking sizes, or why they are unusable. */
function publicMaterial(jwk: JsonWebKeyLike, kty: KeyType, crv: string | undefined): PublicMaterial | string {
  if (kty === 'RSA') {
    const modulus = typeof jwk.n === 'string' ? decodeBase64url(jwk.n) : undefined;
    const exponent = typeof jwk.e === 'string' ? decodeBase64url(jwk.e) : undefined;
    if (modulus === undefined || exponent === undefined || exponent.length === 0) {
      return 'has a missing or malformed "n" or "e"';
    }
    const problem = rsaPublicKeyProblem(modulus, exponent);
    if (problem !== undefined) return problem;
    return { kty, n: jwk.n as string, e: jwk.e as string };
  }
  // Reaching here, kty and crv serve an allowed algorithm, so the curve is one we know.
  const size = coordinateBytes(crv);
  if (size === undefined) return `has unsupported curve ${crv === undefined ? '(none)' : quote(crv)}`;
  if (!coordinateFits(jwk.x, size)) return `has a missing or malformed "x" for ${crv}`;
  if (kty === 'OKP') {
    if (isSmallOrderEd25519(decodeBase64url(jwk.x as string)!)) {
      return 'is an Ed25519 point of small order, which verifies signatures nobody made';
    }
    return { kty, crv, x: jwk.x as string };
  }
  if (!coordinateFits(jwk.y, size)) return `has a missing or malformed "y" for ${crv}`;
  return { kty, crv, x: jwk.x as string, y: jwk.y as string };
}

function coordinateFits(value: unknown, size: number): boolean {
  return typeof value === 'string' && decodeBase64url(value)?.length === size;
}
