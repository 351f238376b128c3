/**
 * The DPoP parts of a request whose access token came with the `DPoP` scheme (RFC 9449 section
 * 7.1): its one proof, method and target, and the headers and peer address a trusted proxy's
 * forwarded origin is read from. More than one proof is a malformed request.
 */
import type { DpopRequest } from '../../dpop.js';
import { TokenwardError } from '../../errors.js';
import { countRawLines, type HeaderGetter, type HeaderSource, headerValues } from './headers.js';

/** The request parts the DPoP step reads. */
export interface DpopSource extends HeaderSource {
  readonly method: string;
  readonly url: string;
  readonly remoteAddress?: string | undefined;
}

/**
 * The {@link DpopRequest} `verify` checks the proof against. Throws `ERR_INVALID_REQUEST` for more
 * than one `DPoP` header (RFC 9449 section 4.3 check 1: repeated lines, or one line that joins
 * several, as Node and Fetch join repeats with commas, which a JWT never holds). No header at all
 * is left to the proof check, which refuses it as a missing proof.
 */
export function dpopRequestOf(request: DpopSource): DpopRequest {
  const values = headerValues(request, 'dpop');
  const lines =
    request.rawHeaders === undefined || request.headers === undefined
      ? values.length
      : countRawLines(request.rawHeaders, 'dpop');
  const proofs = values.reduce((count, value) => count + 1 + commaCount(value), 0);
  const count = Math.max(proofs, lines);
  if (count > 1) {
    throw new TokenwardError(
      'ERR_INVALID_REQUEST',
      `expected one DPoP header with one proof; found ${count} (RFC 9449 section 4.3)`,
    );
  }
  const headers: HeaderGetter = { get: (name) => joinedValue(request, name.toLowerCase()) };
  return {
    proof: values[0],
    method: request.method,
    url: request.url,
    headers,
    ...(request.remoteAddress === undefined ? {} : { remoteAddress: request.remoteAddress }),
  };
}

function commaCount(value: string): number {
  let count = 0;
  for (let index = value.indexOf(','); index !== -1; index = value.indexOf(',', index + 1)) count += 1;
  return count;
}

/** A header's values joined as one field value, the way a Fetch `Headers` answers. */
function joinedValue(request: HeaderSource, lowerCaseName: string): string | null {
  const values = headerValues(request, lowerCaseName);
  return values.length === 0 ? null : values.join(', ');
}
