/**
 * Describes an issuer by the authorization-server model (DESIGN "The authorization-server model"),
 * using core's `parseIssuer`: the org server, a custom server (`default` or another), or other.
 */
import { parseIssuer } from '@tokenward/core';

export interface IssuerDescription {
  readonly kind: 'org' | 'custom' | 'other' | 'invalid';
  readonly origin?: string;
  /** The custom server id, for `kind: 'custom'`. */
  readonly id?: string;
  readonly isDefault?: boolean;
  /** One sentence for people. */
  readonly summary: string;
}

export function describeIssuer(iss: unknown): IssuerDescription {
  if (typeof iss !== 'string') return { kind: 'invalid', summary: 'no issuer (iss) to classify' };
  let parsed: ReturnType<typeof parseIssuer>;
  try {
    parsed = parseIssuer(iss);
  } catch {
    return {
      kind: 'invalid',
      summary: 'not a valid issuer URL (http(s), no query, fragment or credentials)',
    };
  }
  switch (parsed.kind) {
    case 'org':
      return {
        kind: 'org',
        origin: parsed.origin,
        summary:
          `the org authorization server of ${parsed.origin}: its ID tokens are for sign-in (SSO), ` +
          "its access tokens for the vendor's own APIs only",
      };
    case 'custom':
      return {
        kind: 'custom',
        origin: parsed.origin,
        id: parsed.id,
        isDefault: parsed.isDefault,
        summary: parsed.isDefault
          ? `the default custom authorization server of ${parsed.origin}: tokens for your own APIs`
          : `custom authorization server "${parsed.id}" of ${parsed.origin}: tokens for your own APIs`,
      };
    case 'other':
      return {
        kind: 'other',
        origin: parsed.origin,
        summary: `an issuer outside the org/custom layout (path ${parsed.path}), verified generically`,
      };
  }
}
