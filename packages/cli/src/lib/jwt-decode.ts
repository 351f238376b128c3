/**
 * Decodes a compact JWT WITHOUT verifying anything: for `inspect` and for explaining `verify`
 * verdicts. Nothing returned here may be trusted; it only says what the token claims.
 */

export type DecodedToken =
  | {
      readonly ok: true;
      readonly header: Readonly<Record<string, unknown>>;
      readonly payload: Readonly<Record<string, unknown>>;
      /** Bytes of the signature segment (0 for an unsigned token). */
      readonly signatureBytes: number;
    }
  | { readonly ok: false; readonly reason: string };

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export function decodeUntrusted(token: string): DecodedToken {
  const segments = token.split('.');
  if (segments.length === 5) {
    // RFC 7516 §9: five segments is a compact JWE, whose payload only the recipient can decrypt.
    return { ok: false, reason: 'this is an encrypted JWT (JWE, 5 segments); its content cannot be read' };
  }
  if (segments.length !== 3) {
    return { ok: false, reason: `a JWT has 3 dot-separated segments; this has ${segments.length}` };
  }
  const [header, payload, signature] = segments as [string, string, string];
  if (![header, payload, signature].every((segment) => BASE64URL.test(segment))) {
    return {
      ok: false,
      reason: 'a segment contains characters outside the base64url alphabet (RFC 7515 §2)',
    };
  }
  const decodedHeader = jsonObject(header);
  if (decodedHeader === undefined) return { ok: false, reason: 'the header is not a base64url JSON object' };
  const decodedPayload = jsonObject(payload);
  if (decodedPayload === undefined) {
    return { ok: false, reason: 'the payload is not a base64url JSON object (an opaque or nested token?)' };
  }
  return {
    ok: true,
    header: decodedHeader,
    payload: decodedPayload,
    signatureBytes: Buffer.from(signature, 'base64url').length,
  };
}

function jsonObject(segment: string): Record<string, unknown> | undefined {
  if (segment === '') return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
