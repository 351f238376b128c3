/**
 * Describes an issuer by the authorization-server model (the org server at the bare origin,
 * custom servers at `/oauth2/{id}`), using core's `parseIssuer`. A bare origin is called the org
 * server only when its metadata looks like the vendor's: many other providers use root-path
 * issuers too, and their tokens are verified with `--no-org-server-rules`.
 */
import { parseIssuer } from '@tokenward/core';

export interface IssuerDescription {
  /**
   * `org`: a root-path issuer whose metadata is the vendor's org server; `root`: a root-path
   * issuer not known to be the vendor's; `custom`: `/oauth2/{id}`; `other`: any other path.
   */
  readonly kind: 'org' | 'root' | 'custom' | 'other' | 'invalid';
  readonly origin?: string;
  /** The custom server id, for `kind: 'custom'`. */
  readonly id?: string;
  readonly isDefault?: boolean;
  /** One sentence for people. */
  readonly summary: string;
}

/** Where the vendor's org server serves its endpoints, under the issuer's origin. */
const VENDOR_ORG_ENDPOINTS = '/oauth2/v1/';
const ENDPOINT_MEMBERS = ['jwks_uri', 'authorization_endpoint', 'token_endpoint'] as const;
/** The vendor's org server advertises the scopes of its own management APIs. */
const VENDOR_SCOPE = /^okta\./;

/**
 * True when `metadata` (a discovery document of the issuer at `origin`) has the vendor's
 * org-server shape: endpoints under `{origin}/oauth2/v1/`, or the vendor's own API scopes.
 */
export function looksLikeVendorOrgServer(
  origin: string,
  metadata: Readonly<Record<string, unknown>>,
): boolean {
  const endpoints = ENDPOINT_MEMBERS.map((name) => metadata[name]);
  if (
    endpoints.some((url) => typeof url === 'string' && url.startsWith(`${origin}${VENDOR_ORG_ENDPOINTS}`))
  ) {
    return true;
  }
  const scopes = metadata.scopes_supported;
  return (
    Array.isArray(scopes) && scopes.some((scope) => typeof scope === 'string' && VENDOR_SCOPE.test(scope))
  );
}

/**
 * Describes `iss`. `metadata`, when the issuer's discovery document was fetched, decides whether
 * a root-path issuer is the vendor's org server; without it a root-path issuer stays undecided.
 */
export function describeIssuer(
  iss: unknown,
  metadata?: Readonly<Record<string, unknown>>,
): IssuerDescription {
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
      return describeRootPath(parsed.origin, metadata);
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

function describeRootPath(
  origin: string,
  metadata: Readonly<Record<string, unknown>> | undefined,
): IssuerDescription {
  if (metadata !== undefined && looksLikeVendorOrgServer(origin, metadata)) {
    return {
      kind: 'org',
      origin,
      summary:
        `the org authorization server of ${origin} (its metadata has the vendor's shape): its ID tokens ` +
        "are for sign-in (SSO), its access tokens for the vendor's own APIs only",
    };
  }
  return {
    kind: 'root',
    origin,
    summary:
      metadata === undefined
        ? "a root-path issuer: the org authorization server if its metadata is the vendor's " +
          `(\`tokenward discover ${origin}\` tells), otherwise verified with --no-org-server-rules`
        : "a root-path issuer whose metadata is not the vendor's org server (no endpoints under " +
          `${VENDOR_ORG_ENDPOINTS}): verify its tokens with --no-org-server-rules`,
  };
}
