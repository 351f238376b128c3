/** The decoded parts of a compact JWS (RFC 7515 §7.1); the signature is not checked here. */
export interface CompactParts {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
}

function decodeSegment(segment: string | undefined): Record<string, unknown> | undefined {
  if (segment === undefined || !/^[A-Za-z0-9_-]+$/.test(segment)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Header and payload of a three-part compact JWS whose both parts are JSON objects; else `undefined`. */
export function parseCompact(token: string): CompactParts | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[2] === '') return undefined;
  const header = decodeSegment(parts[0]);
  const payload = decodeSegment(parts[1]);
  return header && payload ? { header, payload } : undefined;
}
