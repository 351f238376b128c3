import { TokenwardError } from './errors.js';
import { QUOTED_LENGTH, quote } from './lib/quote.js';

/**
 * An issuer classified by the authorization-server model (see the package README): the `org`
 * server at the bare origin, a `custom` server at `/oauth2/{id}`, or `other` (any other path,
 * verified generically).
 */
export type ParsedIssuer =
  | { readonly kind: 'org'; readonly origin: string }
  | { readonly kind: 'custom'; readonly origin: string; readonly id: string; readonly isDefault: boolean }
  | { readonly kind: 'other'; readonly origin: string; readonly path: string };

const CUSTOM_SERVER_PATH = /^\/oauth2\/([A-Za-z0-9_-]+)$/;

/**
 * Classifies an issuer URL.
 *
 * @example
 * parseIssuer('https://acme.okta.com/oauth2/aus9o8wzkhckw9TLa0h7z')
 * // { kind: 'custom', origin: 'https://acme.okta.com', id: 'aus9o8wzkhckw9TLa0h7z', isDefault: false }
 * parseIssuer('https://acme.okta.com') // { kind: 'org', origin: 'https://acme.okta.com' }
 * @throws TokenwardError `ERR_CONFIG` for anything but an http(s) URL without query, fragment,
 * credentials or whitespace (RFC 8414 §2: an issuer has no query or fragment).
 */
export function parseIssuer(issuer: string): ParsedIssuer {
  const parsed = classifyIssuer(issuer);
  if (parsed === undefined) {
    throw new TokenwardError(
      'ERR_CONFIG',
      `issuer must be an http(s) URL without query, fragment or credentials, e.g. ` +
        `"https://acme.okta.com/oauth2/default"; found ${quote(String(issuer), QUOTED_LENGTH.configured)}`,
    );
  }
  return parsed;
}

/** Like {@link parseIssuer}, but `undefined` instead of an error (for untrusted `iss` values). */
export function classifyIssuer(issuer: unknown): ParsedIssuer | undefined {
  if (typeof issuer !== 'string' || /[\s?#]/.test(issuer)) return undefined;
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  const origin = url.origin;
  if (url.pathname === '/') return { kind: 'org', origin };
  const custom = CUSTOM_SERVER_PATH.exec(url.pathname);
  if (custom) return { kind: 'custom', origin, id: custom[1]!, isDefault: custom[1] === 'default' };
  return { kind: 'other', origin, path: url.pathname };
}
