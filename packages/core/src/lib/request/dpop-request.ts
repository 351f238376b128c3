/**
 * The DPoP parts of a request whose access token came with the `DPoP` scheme (RFC 9449 section
 * 7.1): its proof(s), method and target, and the headers and peer address a trusted proxy's
 * forwarded origin is read from.
 */
import type { DpopRequest } from '../../dpop.js';
import { type HeaderGetter, type HeaderSource, headerValues } from './headers.js';

/** The request parts the DPoP step reads. */
export interface DpopSource extends HeaderSource {
  readonly method: string;
  readonly url: string;
  readonly remoteAddress?: string | undefined;
}

/**
 * The {@link DpopRequest} `verify` checks the proof against. Every proof the request carries is
 * passed on: repeated lines, or one line that joins several (Node and Fetch join repeats with
 * commas, which a JWT never holds). The proof check refuses anything but exactly one as an invalid
 * proof (RFC 9449 section 4.3 checks 1 and 2; section 7.1: `invalid_dpop_proof`).
 */
export function dpopRequestOf(request: DpopSource): DpopRequest {
  // Node's header record joins the lines of a header it does not know, as `Headers` does.
  const proofs = headerValues(request, 'dpop').flatMap((value) =>
    value.includes(',') ? value.split(',') : [value],
  );
  const headers: HeaderGetter = { get: (name) => joinedValue(request, name.toLowerCase()) };
  return {
    proof: proofs.length === 1 ? proofs[0] : proofs,
    method: request.method,
    url: request.url,
    headers,
    ...(request.remoteAddress === undefined ? {} : { remoteAddress: request.remoteAddress }),
  };
}

/** A header's values joined as one field value, the way a Fetch `Headers` answers. */
function joinedValue(request: HeaderSource, lowerCaseName: string): string | null {
  const values = headerValues(request, lowerCaseName);
  return values.length === 0 ? null : values.join(', ');
}
