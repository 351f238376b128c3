/**
 * The forge: builds tokens for attack rows. A row receives one and returns the exact string it
 * attacks with; everything not under attack is valid (signed by the published key, right issuer,
 * audience, times and client), so a refusal can only come from the attacked part.
 */
import type { ErrorCode } from '@tokenward/core';
import { AUDIENCE, b64, CLIENT_ID, json, type LabKey, signature, signSegments } from './lab.js';

export interface Forge {
  /** The configured issuer (a custom authorization server on loopback). */
  readonly issuer: string;
  /** The published RS256 key, kid `k1`. */
  readonly key: LabKey;
  /** An RS256 key nobody published (an attacker's). */
  readonly rogue: LabKey;
  /** Epoch seconds the tokens are minted at. */
  readonly now: number;
  /** A valid header with `extra` merged in (`undefined` removes a member). */
  header(extra?: Record<string, unknown>): Record<string, unknown>;
  /** Valid access-token claims with `extra` merged in (`undefined` removes a claim). */
  claims(extra?: Record<string, unknown>): Record<string, unknown>;
  /** A token signed by `key` (default: the published one) over the JSON of header and claims. */
  sign(header: Record<string, unknown>, claims: Record<string, unknown>, key?: LabKey): string;
  /** A token signed over segment text given as is (already base64url or deliberately not). */
  signRaw(headerSegment: string, payloadSegment: string, key?: LabKey): string;
  /** A valid token with these claim changes. */
  withClaims(extra: Record<string, unknown>): string;
  /** A valid token with these header changes. */
  withHeader(extra: Record<string, unknown>): string;
}

export function createForge(issuer: string, key: LabKey, rogue: LabKey): Forge {
  const now = Math.floor(Date.now() / 1000);
  const merge = (base: Record<string, unknown>, extra: Record<string, unknown>) => {
    const merged: Record<string, unknown> = { ...base };
    for (const [name, value] of Object.entries(extra)) {
      if (value === undefined) delete merged[name];
      else merged[name] = value;
    }
    return merged;
  };
  const forge: Forge = {
    issuer,
    key,
    rogue,
    now,
    header: (extra = {}) => merge({ alg: 'RS256', kid: key.kid }, extra),
    claims: (extra = {}) =>
      merge(
        {
          iss: issuer,
          sub: 'alice',
          aud: AUDIENCE,
          iat: now,
          exp: now + 300,
          cid: CLIENT_ID,
          jti: 'jti-1',
          scp: ['orders:read'],
        },
        extra,
      ),
    sign: (header, claims, signer = key) => signSegments(signer, json(header), json(claims)),
    signRaw: (headerSegment, payloadSegment, signer = key) =>
      signSegments(signer, headerSegment, payloadSegment),
    withClaims: (extra) => forge.sign(forge.header(), forge.claims(extra)),
    withHeader: (extra) => forge.sign(forge.header(extra), forge.claims()),
  };
  return forge;
}

/** One attack: what it sends, what it must get, and where the rule comes from. */
export interface TokenCase {
  /** What the attacker does, as a sentence. */
  readonly name: string;
  /** The RFC section (or sections) the expected answer rests on. */
  readonly rfc: string;
  /** Requirement IDs of the security requirements catalogue (docs), for test names only. */
  readonly req: string;
  /** The code the verifier must refuse with, or `'accepted'` for a control row. */
  readonly expect: ErrorCode | 'accepted';
  readonly token: (forge: Forge) => string;
  /** Verifier options beyond issuer, audience and clock. */
  readonly options?: Record<string, unknown>;
  /** Per-call requirements (`verify(token, call)`). */
  readonly call?: { readonly scopes?: readonly string[] };
}

/** `{"alg":"none"}`-style header segment text without JSON.stringify's normal spacing. */
export const rawHeader = (text: string): string => b64(text);

/** A signature over `input` made by `key` with `alg`, for tokens whose header lies about `alg`. */
export { signature };

/** The test name of a row: requirement IDs and RFC first, so a failure says which rule broke. */
export function caseTitle(row: {
  readonly req: string;
  readonly rfc: string;
  readonly name: string;
  readonly expect: string;
}): string {
  return `[${row.req}] ${row.rfc}: ${row.name} -> ${row.expect}`;
}
