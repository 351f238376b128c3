/** SHA-256 and HMAC-SHA-256 with `node:crypto`, synchronously (no threadpool round trip per hash). */
import { createHash, createHmac } from 'node:crypto';
import type { DigestPrimitive } from '../../../runtime.js';

export const nodeDigests: DigestPrimitive = {
  sha256: (text) => createHash('sha256').update(text, 'utf8').digest(),
  hmacSha256: (key) => {
    const secret = Uint8Array.from(key);
    return (text) => createHmac('sha256', secret).update(text, 'utf8').digest();
  },
};
