/**
 * The default entry's runtime: `fetch` for key material, WebCrypto (through jose) for signatures.
 * Web-standard APIs only, so it runs in browsers, edge runtimes and Node alike.
 */

import type { Runtime, TokenCodec } from '../../../runtime.js';
import { decodeBase64url, decodeBase64urlText } from '../../jose/base64url.js';
import { type DiagnosticsChannelModule, type Tracing, tracingFrom } from '../../tracing/channels.js';
import { createFetchTransport } from './fetch-transport.js';
import { webSignatures } from './web-crypto.js';
import { webDigests } from './web-digests.js';

export const portableCodec: TokenCodec = { decodeBase64url, decodeBase64urlText };

/**
 * `diagnostics_channel` where the runtime has one without an import (Node 20.16+, Deno, Bun,
 * Workers with Node compatibility all offer `process.getBuiltinModule`); in a browser there is no
 * `process` and so no tracing. A static `node:` import would break browsers and bundlers.
 */
function builtinTracing(): Tracing | undefined {
  const host = globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } };
  const module = host.process?.getBuiltinModule?.('node:diagnostics_channel');
  return typeof module === 'object' && module !== null && 'tracingChannel' in module
    ? tracingFrom(module as DiagnosticsChannelModule)
    : undefined;
}

export const webRuntime: Runtime = {
  signatures: webSignatures,
  digests: webDigests,
  codec: portableCodec,
  tracing: /* @__PURE__ */ builtinTracing(),
  createTransport: ({ fetch }) => createFetchTransport({ fetch }),
};
