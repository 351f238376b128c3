/**
 * The Node entry's runtime: an undici agent for key material, synchronous `node:crypto`
 * verification (DESIGN "Runtime split") and `node:diagnostics_channel` for traces. A caller-supplied `fetch` still wins over undici, so a
 * test or an instrumented client sees every request.
 */
import { Buffer, isUtf8 } from 'node:buffer';
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Runtime, TokenCodec } from '../../../runtime.js';
import { hasCanonicalEnd } from '../../jose/base64url.js';
import { type DiagnosticsChannelModule, tracingFrom } from '../../tracing/channels.js';
import { createFetchTransport } from '../portable/fetch-transport.js';
import { nodeSignatures } from './node-crypto.js';
import { nodeDigests } from './node-digests.js';
import { createUndiciTransport } from './undici-transport.js';

export { createUndiciTransport, type UndiciTransportOptions } from './undici-transport.js';

/**
 * Buffer's native decoder, several times faster than a loop in JavaScript, made strict without a
 * second pass over the text. It is lenient in three ways, each caught cheaply:
 * - a character outside both base64 alphabets (whitespace, `=`, `.`, non-ASCII) adds no bits, so
 *   the output comes out shorter than the input's length implies (a length of 4n+1, which could
 *   hide one such character, is refused first);
 * - `+` and `/` (the standard alphabet) do add bits, so they are looked for;
 * - a two-byte string is read by the low byte of each code unit (`Ł`, U+0141, reads as `A`), so
 *   the text must be one byte per character, which its UTF-8 length shows.
 * What passes is exactly what the portable decoder accepts, final character's spare bits included.
 */
export const nodeCodec: TokenCodec = {
  decodeBase64url(segment) {
    const remainder = segment.length & 3;
    if (remainder === 1) return undefined;
    const bytes = Buffer.from(segment, 'base64url');
    return isCanonical(segment, bytes.length, remainder) ? bytes : undefined;
  },
  decodeBase64urlText(segment) {
    const remainder = segment.length & 3;
    if (remainder === 1) return undefined;
    const capacity = (segment.length * 3) >> 2;
    if (capacity > textBytes.length) textBytes = Buffer.allocUnsafeSlow(capacity);
    const written = textBytes.write(segment, 0, capacity, 'base64url');
    if (!isCanonical(segment, written, remainder)) return undefined;
    const text = textBytes.toString('utf8', 0, written);
    // Node decodes malformed UTF-8 to U+FFFD: only a text holding one needs the strict check,
    // which tells a replaced byte from an encoded U+FFFD.
    return text.includes('\uFFFD') && !isUtf8(textBytes.subarray(0, written)) ? undefined : text;
  },
};

/**
 * Where header and payload segments are decoded: their text is copied out at once, so one buffer
 * serves every token and decoding allocates no bytes per token. It grows to the longest segment seen.
 */
let textBytes = Buffer.allocUnsafeSlow(1024);

/** Whether a segment whose decoding wrote `decoded` bytes was canonical base64url (see {@link nodeCodec}). */
function isCanonical(segment: string, decoded: number, remainder: number): boolean {
  return (
    decoded === (segment.length * 3) >> 2 &&
    !segment.includes('+') &&
    !segment.includes('/') &&
    Buffer.byteLength(segment, 'utf8') === segment.length &&
    (remainder === 0 || hasCanonicalEnd(segment, remainder))
  );
}

export const nodeRuntime: Runtime = {
  signatures: nodeSignatures,
  digests: nodeDigests,
  codec: nodeCodec,
  tracing: tracingFrom(diagnosticsChannel as unknown as DiagnosticsChannelModule),
  createTransport: ({ fetch }) =>
    fetch === undefined ? createUndiciTransport() : createFetchTransport({ fetch }),
};
