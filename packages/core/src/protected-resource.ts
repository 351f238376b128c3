/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728): the document an API publishes so clients
 * (an MCP client, say) can find which authorization servers it trusts and which scopes exist.
 * It is built from the verifier itself, so the document and the checks cannot disagree.
 */
import { isScopeToken } from './challenge-text.js';
import type { DpopSettings } from './dpop.js';
import { configError, found } from './lib/options/option-checks.js';
import { canonicalResource, protectedResourceMetadataUrl } from './lib/resource/canonical.js';

export { protectedResourceMetadataUrl };

/** What the verifier cannot know about the API, published alongside what it does know. */
export interface ProtectedResourceMetadataOptions {
  /** Scopes clients may ask for (`scopes_supported`). Example: `['orders:read', 'orders:write']`. */
  readonly scopesSupported?: readonly string[];
  /** A human-readable name of the API (`resource_name`). Example: `'Orders API'`. */
  readonly resourceName?: string;
  /** Where developers read about the API (`resource_documentation`), an absolute URL. */
  readonly resourceDocumentation?: string;
  /**
   * How clients may send the token (`bearer_methods_supported`, RFC 6750 section 2).
   * Default `['header']`; add `'body'` / `'query'` only if the adapters are configured to accept them.
   */
  readonly bearerMethodsSupported?: readonly ('header' | 'body' | 'query')[];
}

/** The metadata document (RFC 9728 section 2). */
export interface ProtectedResourceMetadata {
  readonly resource: string;
  readonly authorization_servers: readonly string[];
  readonly bearer_methods_supported: readonly string[];
  readonly scopes_supported?: readonly string[];
  readonly resource_name?: string;
  readonly resource_documentation?: string;
  readonly dpop_signing_alg_values_supported?: readonly string[];
  readonly dpop_bound_access_tokens_required?: boolean;
}

/** The verifier properties the document is built from (an `AccessTokenVerifier` has them). */
export interface ProtectedResourceMetadataSource {
  /** The trusted issuers: `authorization_servers`. */
  readonly issuers: readonly string[];
  /** The canonical resource identifier, from the verifier's `resource` option. */
  readonly resource?: string | undefined;
  /** The verifier's DPoP settings, when it accepts DPoP-bound tokens. */
  readonly dpop?: DpopSettings | undefined;
}

/**
 * The RFC 9728 document for a verifier created with a `resource` option, and the URL it must be
 * served at. Throws `ERR_CONFIG` when the verifier has no `resource` or an option is malformed.
 *
 * @example
 * const { url, document } = protectedResourceMetadata(verifier, { scopesSupported: ['mcp:tools'] });
 * // url: https://mcp.example.com/.well-known/oauth-protected-resource/mcp
 */
export function protectedResourceMetadata(
  verifier: ProtectedResourceMetadataSource,
  options: ProtectedResourceMetadataOptions = {},
): { readonly url: string; readonly path: string; readonly document: ProtectedResourceMetadata } {
  const resource = verifier.resource;
  if (resource === undefined) {
    throw configError('protected resource metadata needs a verifier created with the `resource` option');
  }
  const document: ProtectedResourceMetadata = {
    resource,
    authorization_servers: [...verifier.issuers],
    bearer_methods_supported: [...readBearerMethods(options.bearerMethodsSupported)],
    ...(options.scopesSupported === undefined
      ? {}
      : { scopes_supported: readScopes(options.scopesSupported) }),
    ...(options.resourceName === undefined ? {} : { resource_name: readName(options.resourceName) }),
    ...(options.resourceDocumentation === undefined
      ? {}
      : { resource_documentation: canonicalDocumentation(options.resourceDocumentation) }),
    ...(verifier.dpop === undefined
      ? {}
      : {
          dpop_signing_alg_values_supported: [...verifier.dpop.algorithms],
          dpop_bound_access_tokens_required: verifier.dpop.mode === 'required',
        }),
  };
  const url = protectedResourceMetadataUrl(resource);
  return Object.freeze({ url, path: new URL(url).pathname, document: Object.freeze(document) });
}

function readScopes(value: unknown): string[] {
  if (!Array.isArray(value) || value.some((scope) => typeof scope !== 'string' || !isScopeToken(scope))) {
    throw configError(
      `\`scopesSupported\` must be an array of scope tokens (RFC 6749 section 3.3); found ${found(value)}`,
    );
  }
  return [...new Set(value as string[])];
}

function readName(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw configError(`\`resourceName\` must be a non-empty string; found ${found(value)}`);
  }
  return value;
}

function canonicalDocumentation(value: unknown): string {
  if (typeof value !== 'string' || !URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw configError(`\`resourceDocumentation\` must be an absolute http(s) URL; found ${found(value)}`);
  }
  return value;
}

function readBearerMethods(value: unknown): readonly string[] {
  if (value === undefined) return ['header'];
  const allowed = new Set(['header', 'body', 'query']);
  if (!Array.isArray(value) || value.length === 0 || value.some((method) => !allowed.has(method as string))) {
    throw configError(
      `\`bearerMethodsSupported\` must list 'header', 'body' or 'query'; found ${found(value)}`,
    );
  }
  return [...new Set(value as string[])];
}

/**
 * The canonical form of a resource identifier (RFC 8707 section 2): what the `resource` option and
 * token `aud` values are compared in. Throws `ERR_CONFIG` for a URL that cannot be one.
 *
 * @example canonicalResourceUri('HTTPS://MCP.Example.com:443/mcp') // 'https://mcp.example.com/mcp'
 */
export function canonicalResourceUri(value: string): string {
  return canonicalResource(value, 'resource');
}

/** One answer of the metadata endpoint, for an adapter to send as it is. */
export interface ProtectedResourceMetadataAnswer {
  readonly status: 200 | 204;
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON document; absent for a preflight and a HEAD request. */
  readonly body: string | undefined;
}

/** The metadata document with the answers every adapter sends for it. */
export interface ProtectedResourceMetadataEndpoint {
  /** Where the document is published (RFC 9728 section 3.1). */
  readonly url: string;
  /** The path of {@link ProtectedResourceMetadataEndpoint.url}, which a router matches. */
  readonly path: string;
  readonly document: ProtectedResourceMetadata;
  /**
   * The answer to a request for `path` with `method`: the document for GET (HEAD: its headers),
   * 204 for a CORS preflight, `undefined` for any other method (the router's 404 or 405).
   */
  answer(method: string): ProtectedResourceMetadataAnswer | undefined;
}

// Public metadata, read by clients of any origin (a browser MCP client, say): no credentials
// involved, so `*` is safe. `Access-Control-Allow-Headers: *` admits `MCP-Protocol-Version`.
const DOCUMENT_HEADERS = Object.freeze({
  'Content-Type': 'application/json; charset=utf-8',
  'Access-Control-Allow-Origin': '*',
});
const PREFLIGHT_HEADERS = Object.freeze({
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
  'Access-Control-Allow-Headers': '*',
});

/**
 * {@link protectedResourceMetadata} with the answers an adapter sends, built once: the Express,
 * Fastify and Fetch handlers are mappings onto it, so they serve the same bytes and headers.
 * @example
 * const endpoint = protectedResourceMetadataEndpoint(verifier, { scopesSupported: ['mcp:tools'] });
 * if (new URL(request.url).pathname === endpoint.path) return endpoint.answer(request.method);
 */
export function protectedResourceMetadataEndpoint(
  verifier: ProtectedResourceMetadataSource,
  options: ProtectedResourceMetadataOptions = {},
): ProtectedResourceMetadataEndpoint {
  const { url, path, document } = protectedResourceMetadata(verifier, options);
  const body = JSON.stringify(document);
  const get: ProtectedResourceMetadataAnswer = Object.freeze({
    status: 200,
    headers: DOCUMENT_HEADERS,
    body,
  });
  const head: ProtectedResourceMetadataAnswer = Object.freeze({ ...get, body: undefined });
  const preflight: ProtectedResourceMetadataAnswer = Object.freeze({
    status: 204,
    headers: PREFLIGHT_HEADERS,
    body: undefined,
  });
  return Object.freeze({
    url,
    path,
    document,
    answer(method: string) {
      if (method === 'GET') return get;
      if (method === 'HEAD') return head;
      return method === 'OPTIONS' ? preflight : undefined;
    },
  });
}
