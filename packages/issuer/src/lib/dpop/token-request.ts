import type { IncomingMessage } from 'node:http';
import type { ReferenceAuthServer } from '../../auth-server.js';
import type { ReplayGuard } from '../replay.js';
import { checkDpopProof } from './proof.js';

/**
 * How a token request is bound: `jkt` of the proof key when it carried a valid DPoP proof,
 * `undefined` for a plain Bearer request. `headers` go on the answer either way (`DPoP-Nonce`).
 */
export type TokenRequestBinding =
  | { ok: true; jkt: string | undefined; headers: Record<string, string> }
  | { ok: false; error: string; description: string; headers: Record<string, string> };

/**
 * RFC 9449 §5: a token request with a `DPoP` header gets a token bound to the proof key, once the
 * proof checks out against this server's token endpoint. With nonces on, every answer carries the
 * current `DPoP-Nonce` (§8) and a proof without it is told `use_dpop_nonce`.
 */
export function bindTokenRequest(
  req: IncomingMessage,
  server: ReferenceAuthServer,
  replay: ReplayGuard,
): TokenRequestBinding {
  const nonces = server.dpopNonces;
  const headers: Record<string, string> = nonces ? { 'DPoP-Nonce': nonces.current() } : {};
  const proofs = req.headersDistinct.dpop;
  if (proofs === undefined) return { ok: true, jkt: undefined, headers };
  if (proofs.length !== 1 || proofs[0] === undefined) {
    return { ok: false, error: 'invalid_dpop_proof', description: 'Send exactly one DPoP header', headers };
  }
  const result = checkDpopProof(
    proofs[0],
    {
      method: req.method ?? '',
      url: server.tokenEndpoint,
      ...(nonces ? { nonceAccepted: (nonce: string) => nonces.accepts(nonce) } : {}),
    },
    replay,
  );
  if (!result.ok) return { ok: false, error: result.error, description: result.description, headers };
  return { ok: true, jkt: result.jkt, headers };
}
