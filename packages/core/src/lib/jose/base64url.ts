/**
 * Strict base64url (RFC 7515 section 2, App. C): URL-safe alphabet, no padding, no whitespace, and a
 * canonical final character. Lenient decoders accept `=`, `+`, `/`, spaces, or stray low bits in
 * the last character, which lets one token have many spellings (RFC 7515 section 2); we accept one.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Character code → 6-bit value, or -1 for characters outside the base64url alphabet. */
const VALUES = new Int8Array(128).fill(-1);
for (let index = 0; index < ALPHABET.length; index += 1) VALUES[ALPHABET.charCodeAt(index)] = index;

/**
 * Whether the final character of a canonical-alphabet string of length 4n+2 or 4n+3 (`remainder`
 * 2 or 3) leaves its spare bits zero: 2 final characters carry 4 bits beyond the last byte, 3
 * carry 2 (RFC 7515 Appendix C). Lenient native decoders drop those bits instead of refusing them.
 */
export function hasCanonicalEnd(input: string, remainder: number): boolean {
  const last = VALUES[input.charCodeAt(input.length - 1)]!;
  return (last & (remainder === 2 ? 0x0f : 0x03)) === 0;
}

/** Decodes `input`, or returns `undefined` if it is not canonical unpadded base64url. */
export function decodeBase64url(input: string): Uint8Array | undefined {
  const remainder = input.length % 4;
  // One leftover character carries 6 bits: not even one whole byte.
  if (remainder === 1) return undefined;
  const output = new Uint8Array(Math.floor((input.length * 3) / 4));
  let bits = 0;
  let bitCount = 0;
  let written = 0;
  for (let index = 0; index < input.length; index += 1) {
    const code = input.charCodeAt(index);
    const value = code < 128 ? VALUES[code]! : -1;
    if (value < 0) return undefined;
    bits = ((bits << 6) | value) & 0xffff;
    bitCount += 6;
    if (bitCount >= 8) {
      bitCount -= 8;
      output[written] = (bits >> bitCount) & 0xff;
      written += 1;
    }
  }
  // The bits left over after the last whole byte must be zero, else the encoding is not canonical.
  if ((bits & ((1 << bitCount) - 1)) !== 0) return undefined;
  return output;
}

// `fatal` refuses malformed UTF-8 instead of substituting U+FFFD; `ignoreBOM` keeps a byte-order
// mark in the text so that JSON.parse refuses it rather than it being skipped silently.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The UTF-8 text `input` encodes, or `undefined` unless it is canonical unpadded base64url of well-formed UTF-8. */
export function decodeBase64urlText(input: string): string | undefined {
  const bytes = decodeBase64url(input);
  if (bytes === undefined) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** `bytes` as unpadded base64url (RFC 7515 section 2), for digests and MACs tokenward writes itself. */
export function encodeBase64url(bytes: Uint8Array): string {
  let output = '';
  let index = 0;
  for (; index + 2 < bytes.length; index += 3) {
    const chunk = (bytes[index]! << 16) | (bytes[index + 1]! << 8) | bytes[index + 2]!;
    output +=
      ALPHABET[chunk >> 18]! +
      ALPHABET[(chunk >> 12) & 63]! +
      ALPHABET[(chunk >> 6) & 63]! +
      ALPHABET[chunk & 63]!;
  }
  const rest = bytes.length - index;
  if (rest === 1) {
    const chunk = bytes[index]! << 16;
    output += ALPHABET[chunk >> 18]! + ALPHABET[(chunk >> 12) & 63]!;
  } else if (rest === 2) {
    const chunk = (bytes[index]! << 16) | (bytes[index + 1]! << 8);
    output += ALPHABET[chunk >> 18]! + ALPHABET[(chunk >> 12) & 63]! + ALPHABET[(chunk >> 6) & 63]!;
  }
  return output;
}
