/**
 * The methods an upstream may run a request as instead of its own. Many frameworks let a client
 * name another method: Rails (Rack::MethodOverride), Laravel and Symfony, ASP.NET Core's
 * UseHttpMethodOverride and Express's method-override read `X-HTTP-Method-Override` (some also
 * `X-HTTP-Method` or `X-Method-Override`); Spring's HiddenHttpMethodFilter, Laravel and Symfony
 * read a `_method` parameter, which may sit in the query. A `POST /settings` with
 * `X-HTTP-Method-Override: PUT` reaches the API's PUT handler, so the rule for PUT must be the one
 * that decides (see readings.ts). A `_method` in a form body reaches no authorizer (proxies do not
 * send bodies to it).
 */
import type { IncomingHttpHeaders } from 'node:http';

const HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override'] as const;

/** Every method the request names besides its own, upper-cased as the frameworks read them. */
export function methodOverrides(headers: IncomingHttpHeaders, target: string): string[] {
  const named: string[] = [];
  for (const name of HEADERS) {
    const value = headers[name];
    // Node joins repeated lines of an unknown header with ", ", as the API's server does, and
    // frameworks read one element of the list (method-override and Symfony the first): each counts.
    if (typeof value === 'string') named.push(...value.split(','));
  }
  const query = target.indexOf('?');
  // Parsed only when it may be there: a name that decodes to `_method` holds a `_` or, encoded
  // (`%5Fmethod`, `_%6Dethod`), a `%`; frameworks decode parameter names before reading them.
  if (query !== -1 && (target.includes('_', query) || target.includes('%', query))) {
    named.push(...new URLSearchParams(target.slice(query + 1)).getAll('_method'));
  }
  return named.map((method) => method.trim().toUpperCase()).filter((method) => method !== '');
}
