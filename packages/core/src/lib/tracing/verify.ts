/** The context of one traced verification, and how it is filled (never with the token). */
import type { JwtHeader } from '../../types.js';
import type { Timed } from './channels.js';

export interface VerifyTrace extends Timed {
  readonly kind: 'access_token' | 'id_token';
  issuer: string | undefined;
  kid: string | undefined;
  alg: string | undefined;
  cacheHit: boolean;
}

export function verifyTrace(kind: VerifyTrace['kind']): VerifyTrace {
  return {
    kind,
    issuer: undefined,
    kid: undefined,
    alg: undefined,
    cacheHit: false,
    startedAt: performance.now(),
    durationMs: undefined,
    outcome: undefined,
  };
}

/** Records what a verification knew about the token when it ended: its issuer and header. */
export function recordToken(
  trace: VerifyTrace | undefined,
  issuer: string | undefined,
  header: JwtHeader | undefined,
): void {
  if (trace === undefined) return;
  trace.issuer = issuer;
  trace.kid = header?.kid;
  trace.alg = header?.alg;
}
