/**
 * The Node entry's runtime: an undici agent for key material, synchronous `node:crypto`
 * verification (DESIGN "Runtime split") and `node:diagnostics_channel` for traces. A caller-supplied `fetch` still wins over undici, so a
 * test or an instrumented client sees every request.
 */
import { Buffer } from 'node:buffer';
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
    if (bytes.length !== (segment.length * 3) >> 2) return undefined;
    if (segment.includes('+') || segment.includes('/')) return undefined;
    if (Buffer.byteLength(segment, 'utf8') !== segment.length) return undefined;
    return remainder === 0 || hasCanonicalEnd(segment, remainder) ? bytes : undefined;
  },
};
export const nodeRuntime: Runtime = {
  signatures: nodeSignatures,
  digests: nodeDigests,
  codec: nodeCodec,
  tracing: tracingFrom(diagnosticsChannel as unknown as DiagnosticsChannelModule),
  createTransport: ({ fetch }) =>
    fetch === undefined ? createUndiciTransport() : createFetchTransport({ fetch }),
};
