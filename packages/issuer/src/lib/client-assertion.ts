import { createHash } from 'node:crypto';
import type { ClientRegistration } from '../types.js';
import type { ClientRegistry } from './clients.js';
import { parseCompact } from './compact.js';
import { importPublicJwk } from './jwk.js';
import { verifyCompact } from './jws.js';
import { isSigningAlg, SIGNING_ALGS } from './keys.js';
import type { ReplayGuard } from './replay.js';

/** RFC 7523 §2.2: the `client_assertion_type` of a JWT client assertion. */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Assertions valid longer than this are refused, so their `jti`s need not be remembered for long. */
const MAX_ASSERTION_LIFETIME_SECONDS = 3600;

/** Where the assertion was received, and what it must name. */
export interface AssertionExpectation {
  readonly clients: ClientRegistry;
  readonly serverId: string;
  /** Acceptable `aud` values (RFC 7523 §3 item 3): this endpoint, the issuer, the token endpoint. */
  readonly audiences: readonly string[];
  /** `client_id` from the body, when sent: it must name the assertion's client. */
  readonly clientId: string | undefined;
  readonly replay: ReplayGuard;
}

export type AssertionResult = { ok: true; client: ClientRegistration } | { ok: false; description: string };

const refuse = (description: string): AssertionResult => ({ ok: false, description });

function audienceOf(aud: unknown): string[] {
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((value): value is string => typeof value === 'string') : [];
}

/** Whether one of the client's registered keys (the one named by `kid`, if any) verifies the assertion. */
function signedByClient(
  assertion: string,
  header: Record<string, unknown>,
  client: ClientRegistration,
): boolean {
  if (!isSigningAlg(header.alg)) return false;
  const alg = header.alg;
  return (client.jwks?.keys ?? [])
    .filter((jwk) => header.kid === undefined || jwk.kid === header.kid)
    .some((jwk) => {
      const imported = importPublicJwk(jwk, alg);
      return imported.ok && verifyCompact(assertion, alg, imported.key);
    });
}

/**
 * `private_key_jwt` (RFC 7523 §3, OIDC Core §9): a JWT signed with a key the client registered,
 * `iss` = `sub` = the client id, `aud` naming this server, unexpired, and a `jti` used once.
 */
export function verifyClientAssertion(
  assertion: string,
  expected: AssertionExpectation,
  now = Date.now(),
): AssertionResult {
  const parsed = parseCompact(assertion);
  if (!parsed) return refuse('client_assertion is not a compact JWS with JSON header and payload');
  const { header, payload } = parsed;
  if (!isSigningAlg(header.alg)) {
    return refuse(`client_assertion alg must be one of ${SIGNING_ALGS.join(', ')}`);
  }
  if (header.crit !== undefined)
    return refuse('client_assertion header carries crit, which is not supported');
  const { iss, sub, exp, nbf, jti } = payload;
  if (typeof iss !== 'string' || iss !== sub)
    return refuse('client_assertion iss and sub must both be the client_id');
  if (expected.clientId !== undefined && expected.clientId !== iss) {
    return refuse('client_id differs from the client_assertion issuer');
  }
  const client = expected.clients.find(iss, expected.serverId);
  if (!client?.jwks) return refuse('Client authentication failed');
  if (!signedByClient(assertion, header, client)) return refuse('Client authentication failed');

  if (!audienceOf(payload.aud).some((aud) => expected.audiences.includes(aud))) {
    return refuse(`client_assertion aud must name ${expected.audiences.join(' or ')}`);
  }
  const nowSeconds = Math.floor(now / 1000);
  if (typeof exp !== 'number' || exp <= nowSeconds)
    return refuse('client_assertion is expired or has no exp');
  if (exp > nowSeconds + MAX_ASSERTION_LIFETIME_SECONDS) {
    return refuse(`client_assertion exp is more than ${MAX_ASSERTION_LIFETIME_SECONDS} s ahead`);
  }
  if (typeof nbf === 'number' && nbf > nowSeconds) return refuse('client_assertion is not valid yet (nbf)');
  if (typeof jti !== 'string' || jti === '') return refuse('client_assertion needs a jti');
  const jtiHash = createHash('sha256').update(jti).digest('base64url');
  if (!expected.replay.markOnce(`assertion:${iss}:${jtiHash}`, exp * 1000, now)) {
    return refuse('client_assertion jti was already used');
  }
  return { ok: true, client };
}
