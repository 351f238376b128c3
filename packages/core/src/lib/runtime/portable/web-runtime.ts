/**
 * The default entry's runtime: `fetch` for key material, WebCrypto (through jose) for signatures.
 * Web-standard APIs only, so it runs in browsers, edge runtimes and Node alike.
 */

import type { Runtime, TokenCodec } from '../../../runtime.js';
import { decodeBase64url } from '../../jose/base64url.js';
import { createFetchTransport } from './fetch-transport.js';
import { webSignatures } from './web-crypto.js';

export const portableCodec: TokenCodec = { decodeBase64url };

export const webRuntime: Runtime = {
  signatures: webSignatures,
  codec: portableCodec,
  createTransport: ({ fetch }) => createFetchTransport({ fetch }),
};
