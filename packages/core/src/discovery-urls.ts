/**
 * Where an issuer's metadata is looked for. Exported so that tools built on tokenward (the CLI's
 * `discover`) fetch the same addresses, in the same order, as the verifier.
 */
import { parseIssuer } from './issuer.js';

/**
 * The metadata addresses of `issuer`, in the order a verifier tries them: the RFC 8414 section 3.1
 * form, with the well-known suffix inserted between host and path, then the appended OAuth form
 * and the OpenID Connect Discovery form that the vendor and most providers also serve. For an
 * issuer without a path the first two coincide and are listed once.
 *
 * @example
 * discoveryUrls('https://acme.okta.com/oauth2/default')
 * // ['https://acme.okta.com/.well-known/oauth-authorization-server/oauth2/default',
 * //  'https://acme.okta.com/oauth2/default/.well-known/oauth-authorization-server',
 * //  'https://acme.okta.com/oauth2/default/.well-known/openid-configuration']
 * @throws TokenwardError `ERR_CONFIG` when `issuer` is not an http(s) URL without query,
 * fragment or credentials.
 */
export function discoveryUrls(issuer: string): string[] {
  parseIssuer(issuer);
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  const base = `${url.origin}${path}`;
  const urls = [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${base}/.well-known/oauth-authorization-server`,
    `${base}/.well-known/openid-configuration`,
  ];
  return [...new Set(urls)];
}
