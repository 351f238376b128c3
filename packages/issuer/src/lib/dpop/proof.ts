import { createHash } from 'node:crypto';
import type { SigningAlg } from '../../types.js';
import { parseCompact } from '../compact.js';
import { importPublicJwk, jwkThumbprint } from '../jwk.js';
import { verifyCompact } from '../jws.js';
import { isSigningAlg } from '../keys.js';
import type { ReplayGuard } from '../replay.js';

/** Algorithms accepted for proofs: asymmetric only (RFC 9449 §4.3 item 5), the ones keys are made for. */
export const DPOP_ALGS: readonly SigningAlg[] = ['ES256', 'RS256', 'PS256', 'EdDSA'];

/** A proof older than this is refused (RFC 9449 §4.3 item 11, §11.1). */
export const DPOP_PROOF_MAX_AGE_SECONDS = 60;
/** How far a proof's `iat` may lie ahead of this server's clock. */
export const DPOP_CLOCK_SKEW_SECONDS = 5;
/** Longest proof accepted, far above any real one (an RSA 4096 key in the header is ~1 KiB). */
const MAX_PROOF_LENGTH = 8192;
/** Longest `jti` accepted; RFC 9449 §4.2 asks for 96 random bits, a UUID is 36 characters. */
const MAX_JTI_LENGTH = 256;

/** What the proof must match: the request it came with. */
export interface ProofExpectation {
  /** HTTP method of the request, e.g. `POST`. */
  readonly method: string;
  /** The endpoint URL from configuration, never from the request's `Host` header. */
  readonly url: string;
  /** Set when this endpoint requires server nonces (RFC 9449 §8). */
  readonly nonceAccepted?: (nonce: string) => boolean;
}

export type ProofResult =
  | { ok: true; jkt: string }
  | { ok: false; error: 'invalid_dpop_proof' | 'use_dpop_nonce'; description: string };

function invalid(description: string): ProofResult {
  return { ok: false, error: 'invalid_dpop_proof', description };
}

/** RFC 9449 §4.3 item 9: compare without query and fragment, after URL normalisation. */
function targetOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return undefined;
  }
}

/**
 * Checks one DPoP proof JWT (RFC 9449 §4.3) for a request, in the order of the RFC's list, and
 * burns its `jti` once every other check passed. Returns the RFC 7638 thumbprint of the proof key.
 */
export function checkDpopProof(
  proof: string,
  expected: ProofExpectation,
  replay: ReplayGuard,
  now = Date.now(),
): ProofResult {
  if (proof.length > MAX_PROOF_LENGTH)
    return invalid(`The proof is longer than ${MAX_PROOF_LENGTH} characters`);
  const parsed = parseCompact(proof);
  if (!parsed) return invalid('The proof is not a compact JWS with JSON header and payload');
  const { header, payload } = parsed;

  if (header.typ !== 'dpop+jwt')
    return invalid(`Proof typ must be "dpop+jwt", found ${JSON.stringify(header.typ)}`);
  if (!isSigningAlg(header.alg) || !DPOP_ALGS.includes(header.alg)) {
    return invalid(`Proof alg must be one of ${DPOP_ALGS.join(', ')}, found ${JSON.stringify(header.alg)}`);
  }
  if (header.crit !== undefined)
    return invalid('Proof header carries crit, which this server does not support');
  const imported = importPublicJwk(header.jwk, header.alg);
  if (!imported.ok) return invalid(`Proof jwk refused: ${imported.reason}`);
  if (!verifyCompact(proof, header.alg, imported.key))
    return invalid('Proof signature does not verify with its jwk');
  const jkt = jwkThumbprint(header.jwk as Record<string, unknown>);
  if (jkt === undefined) return invalid('Proof jwk lacks the members of its key type');

  const { jti, htm, htu, iat, nonce } = payload;
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) {
    return invalid(`Proof jti must be a string of 1-${MAX_JTI_LENGTH} characters`);
  }
  if (htm !== expected.method)
    return invalid(`Proof htm must be "${expected.method}", found ${JSON.stringify(htm)}`);
  const claimedTarget = typeof htu === 'string' ? targetOf(htu) : undefined;
  if (claimedTarget === undefined || claimedTarget !== targetOf(expected.url)) {
    return invalid(`Proof htu must be ${expected.url}`);
  }
  const nowSeconds = Math.floor(now / 1000);
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return invalid('Proof iat must be a number');
  if (iat < nowSeconds - DPOP_PROOF_MAX_AGE_SECONDS) {
    return invalid(`Proof iat is more than ${DPOP_PROOF_MAX_AGE_SECONDS} s in the past`);
  }
  if (iat > nowSeconds + DPOP_CLOCK_SKEW_SECONDS) {
    return invalid(`Proof iat is more than ${DPOP_CLOCK_SKEW_SECONDS} s in the future`);
  }
  if (expected.nonceAccepted) {
    if (typeof nonce !== 'string' || !expected.nonceAccepted(nonce)) {
      return {
        ok: false,
        error: 'use_dpop_nonce',
        description: 'Authorization server requires a DPoP nonce',
      };
    }
  }
  // §11.1: remembered per proof key, for as long as the proof could still be accepted.
  const jtiHash = createHash('sha256').update(jti).digest('base64url');
  const acceptableUntil = (iat + DPOP_PROOF_MAX_AGE_SECONDS + 1) * 1000;
  if (!replay.markOnce(`dpop:${jkt}:${jtiHash}`, acceptableUntil, now)) {
    return invalid('Proof jti was already used');
  }
  return { ok: true, jkt };
}
