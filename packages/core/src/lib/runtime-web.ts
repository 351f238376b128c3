/**
 * The default entry's runtime: `fetch` for key material, WebCrypto (through jose) for signatures.
 * Web-standard APIs only, so it runs in browsers, edge runtimes and Node alike.
 */
import { webSignatures } from './crypto-web.js';
import { createFetchTransport } from './http-fetch.js';
import type { Runtime } from './runtime.js';

export const webRuntime: Runtime = {
  signatures: webSignatures,
  createTransport: ({ fetch }) => createFetchTransport({ fetch }),
};
