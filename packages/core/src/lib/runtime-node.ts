/**
 * The Node entry's runtime: an undici agent for key material and synchronous `node:crypto`
 * verification (DESIGN "Runtime split"). A caller-supplied `fetch` still wins over undici, so a
 * test or an instrumented client sees every request.
 */
import { nodeSignatures } from './crypto-node.js';
import { createFetchTransport } from './http-fetch.js';
import { createUndiciTransport } from './http-undici.js';
import type { Runtime } from './runtime.js';

export { createUndiciTransport, type UndiciTransportOptions } from './http-undici.js';

export const nodeRuntime: Runtime = {
  signatures: nodeSignatures,
  createTransport: ({ fetch }) =>
    fetch === undefined ? createUndiciTransport() : createFetchTransport({ fetch }),
};
