/**
 * The default entry's runtime: `fetch` for key material, WebCrypto (through jose) for signatures.
 * Web-standard APIs only, so it runs in browsers, edge runtimes and Node alike.
 */
import { decodeBase64url } from './base64url.js';
import { webSignatures } from './crypto-web.js';
import { createFetchTransport } from './http-fetch.js';
import type { Runtime, TokenCodec } from './runtime.js';

export const portableCodec: TokenCodec = { decodeBase64url };

export const webRuntime: Runtime = {
  signatures: webSignatures,
  codec: portableCodec,
  createTransport: ({ fetch }) => createFetchTransport({ fetch }),
};
