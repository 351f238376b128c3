/** SHA-256 and HMAC-SHA-256 with WebCrypto, for browsers, edge runtimes and the default entry. */
import type { DigestPrimitive } from '../../../runtime.js';

const utf8 = new TextEncoder();

export const webDigests: DigestPrimitive = {
  sha256: async (text) => new Uint8Array(await crypto.subtle.digest('SHA-256', utf8.encode(text))),
  hmacSha256: (key) => {
    // Imported on first use and kept: one import per key, not per message.
    let imported: Promise<CryptoKey> | undefined;
    return async (text) => {
      imported ??= crypto.subtle.importKey(
        'raw',
        Uint8Array.from(key),
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['sign'],
      );
      return new Uint8Array(await crypto.subtle.sign('HMAC', await imported, utf8.encode(text)));
    };
  },
};
