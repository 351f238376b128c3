import type { Endpoint, OrgServerLayout } from '../types.js';

export type MetadataKind = 'openid' | 'oauth';

export type Route =
  | { type: 'endpoint'; serverId: string; endpoint: Endpoint; metadata: MetadataKind | undefined }
  | { type: 'admin'; resource: 'faults' | 'counts' };

const OPENID_WELL_KNOWN = '.well-known/openid-configuration';
const OAUTH_WELL_KNOWN = '.well-known/oauth-authorization-server';

const ENDPOINT_BY_PATH: Record<string, Endpoint> = {
  keys: 'jwks',
  token: 'token',
  authorize: 'authorize',
  introspect: 'introspect',
  revoke: 'revoke',
  userinfo: 'userinfo',
};

function metadataRoute(serverId: string, metadata: MetadataKind): Route {
  return { type: 'endpoint', serverId, endpoint: 'discovery', metadata };
}

/** Endpoints under one server's base: `v1/{name}` or a well-known document. */
function serverRoute(serverId: string, rest: string[]): Route | undefined {
  const tail = rest.join('/');
  if (tail === OPENID_WELL_KNOWN) return metadataRoute(serverId, 'openid');
  if (tail === OAUTH_WELL_KNOWN) return metadataRoute(serverId, 'oauth');
  if (rest.length === 2 && rest[0] === 'v1') {
    const endpoint = ENDPOINT_BY_PATH[rest[1] ?? ''];
    if (endpoint) return { type: 'endpoint', serverId, endpoint, metadata: undefined };
  }
  return undefined;
}

/**
 * Maps a request path to a server and endpoint. Org server: issuer `/`, endpoints `/oauth2/v1/*`
 * (`/*` in the generic layout). Custom server `{id}`: issuer `/oauth2/{id}`, endpoints
 * `/oauth2/{id}/v1/*`, plus the RFC 8414 §3 path-insertion form
 * `/.well-known/oauth-authorization-server/oauth2/{id}`.
 */
export function matchRoute(
  pathname: string,
  adminEnabled: boolean,
  orgServerLayout: OrgServerLayout = 'vendor',
): Route | undefined {
  const segments = pathname.split('/').slice(1);
  const [first, second, third, fourth] = segments;
  // 'org' names the org server internally; as a path segment it is no custom server.
  const isCustomId = (id: string | undefined): id is string => id !== undefined && id !== '' && id !== 'org';
  if (first === '.well-known' && segments.length === 2) return serverRoute('org', segments);
  if (first === '.well-known' && segments.length === 4 && `${first}/${second}` === OAUTH_WELL_KNOWN) {
    return third === 'oauth2' && isCustomId(fourth) ? metadataRoute(fourth, 'oauth') : undefined;
  }
  if (orgServerLayout === 'generic' && segments.length === 1) {
    return serverRoute('org', ['v1', first ?? '']);
  }
  if (first === 'oauth2' && second === 'v1') {
    return orgServerLayout === 'vendor' ? serverRoute('org', segments.slice(1)) : undefined;
  }
  if (first === 'oauth2' && isCustomId(second)) return serverRoute(second, segments.slice(2));
  if (adminEnabled && first === '__admin' && segments.length === 2) {
    if (second === 'faults' || second === 'counts') return { type: 'admin', resource: second };
  }
  return undefined;
}
