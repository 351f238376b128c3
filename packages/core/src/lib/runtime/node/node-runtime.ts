/**
 * The Node entry's runtime: an undici agent for key material, synchronous `node:crypto`
 * verification (DESIGN "Runtime split") and `node:diagnostics_channel` for traces. A caller-supplied `fetch` still wins over undici, so a
 * test or an instrumented client sees every request.
 */
import { Buffer } from 'node:buffer';
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Runtime, TokenCodec } from '../../../runtime.js';
import { isCanonicalBase64url } from '../../jose/base64url.js';
import { type DiagnosticsChannelModule, tracingFrom } from '../../tracing/channels.js';
import { createFetchTransport } from '../portable/fetch-transport.js';
import { nodeSignatures } from './node-crypto.js';
import { nodeDigests } from './node-digests.js';
import { createUndiciTransport } from './undici-transport.js';

export { createUndiciTransport, type UndiciTransportOptions } from './undici-transport.js';

/**
 * Buffer's native decoder, about three times faster than a loop in JavaScript. It is lenient
 * (padding, '+', '/', stray bits), so only what the portable decoder would accept reaches it.
 */
export const nodeCodec: TokenCodec = {
  decodeBase64url: (segment) =>
    isCanonicalBase64url(segment) ? Buffer.from(segment, 'base64url') : undefined,
};

export const nodeRuntime: Runtime = {
  signatures: nodeSignatures,
  digests: nodeDigests,
  codec: nodeCodec,
  tracing: tracingFrom(diagnosticsChannel as unknown as DiagnosticsChannelModule),
  createTransport: ({ fetch }) =>
    fetch === undefined ? createUndiciTransport() : createFetchTransport({ fetch }),
};
