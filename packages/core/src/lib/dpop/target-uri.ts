/**
 * The `htu` check (RFC 9449 section 4.3 check 9): the proof must name the URI the request was sent to,
 * compared after RFC 3986 section 6.2.2 syntax-based and section 6.2.3 scheme-based normalisation. The origin
 * comes from configuration (or from forwarded headers a trusted proxy set), never from the Host
 * header a client chose; only the path comes from the request.
 */
import type { DpopRequest } from '../../dpop.js';
import { headerValues } from '../request/headers.js';
import { readHtu, readTargetPath } from './htu.js';
import { normaliseAddress, type ResolvedDpopOptions } from './options.js';
import { invalidProof } from './proof-key.js';

const HOST = /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/;

/**
 * Throws `ERR_DPOP_PROOF_INVALID` unless `htu` names this request's URI; returns that URI in its
 * normalised form (origin and path), the same for every spelling of it.
 */
export function checkTargetUri(htu: string, request: DpopRequest, settings: ResolvedDpopOptions): string {
  // A query or fragment a client left in htu is ignored, as the request's own query is: check 9
  // compares "ignoring any query and fragment parts" (RFC 9449 section 4.3).
  const claimed = readHtu(htu);
  const origins = acceptableOrigins(request, settings);
  if (!origins.includes(claimed.origin)) {
    throw invalidProof(
      `"htu" names the origin ${JSON.stringify(claimed.origin.slice(0, 100))}; expected ${origins.map((origin) => JSON.stringify(origin)).join(' or ')} (RFC 9449 section 4.3 check 9)`,
    );
  }
  // The request's own target is read by the same RFC 3986 rules, so a target that WHATWG URL
  // would repair ("/a\b" into "/a/b") never matches the path its repair would give.
  const target = readTargetPath(request.url);
  const claimedPath = JSON.stringify(claimed.path.slice(0, 100));
  if ('problem' in target) {
    throw invalidProof(
      `"htu" names the path ${claimedPath}; this request's target ${JSON.stringify(request.url.slice(0, 100))} is not an RFC 3986 path: ${target.problem} (RFC 9449 section 4.3 check 9)`,
    );
  }
  if (claimed.path !== target.path) {
    throw invalidProof(
      `"htu" names the path ${claimedPath}; this request is for ${JSON.stringify(target.path.slice(0, 100))} (RFC 9449 section 4.3 check 9)`,
    );
  }
  return `${claimed.origin}${claimed.path}`;
}

/** The origins `htu` may name for this request. */
function acceptableOrigins(request: DpopRequest, settings: ResolvedDpopOptions): readonly string[] {
  const forwarded = trustsForwardedHeaders(request, settings) ? forwardedOrigin(request) : undefined;
  if (forwarded === undefined) {
    if (settings.origins !== undefined) return settings.origins;
    throw invalidProof(
      'cannot be checked: the request has no X-Forwarded-Proto and X-Forwarded-Host from a trusted proxy, and no dpop.origins are configured',
    );
  }
  // With origins configured, a forwarded host must still be one of them: a proxy that passes a
  // client's X-Forwarded-Host through cannot make us accept a proof for another site.
  if (settings.origins !== undefined && !settings.origins.includes(forwarded)) {
    throw invalidProof(
      `cannot be checked: the forwarded origin ${JSON.stringify(forwarded.slice(0, 100))} is not one of dpop.origins`,
    );
  }
  return [forwarded];
}

function trustsForwardedHeaders(request: DpopRequest, settings: ResolvedDpopOptions): boolean {
  const policy = settings.forwardedHeaders;
  if (policy === 'ignore') return false;
  if (policy === 'trust') return true;
  return request.remoteAddress !== undefined && policy.has(normaliseAddress(request.remoteAddress));
}

/** `X-Forwarded-Proto` and `X-Forwarded-Host` as an origin; the first hop's values when a chain appended several. */
function forwardedOrigin(request: DpopRequest): string | undefined {
  const proto = firstListElement(headerValue(request.headers, 'x-forwarded-proto'))?.toLowerCase();
  const host = firstListElement(headerValue(request.headers, 'x-forwarded-host'));
  if (proto === undefined && host === undefined) return undefined;
  if ((proto !== 'https' && proto !== 'http') || host === undefined || !HOST.test(host)) {
    throw invalidProof(
      'cannot be checked: X-Forwarded-Proto and X-Forwarded-Host do not name an http(s) origin',
    );
  }
  try {
    return new URL(`${proto}://${host}`).origin;
  } catch {
    throw invalidProof('cannot be checked: X-Forwarded-Host is not a valid host');
  }
}

function firstListElement(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const first = value.split(',')[0]!.trim();
  return first === '' ? undefined : first;
}

function headerValue(headers: DpopRequest['headers'], lowerCaseName: string): string | undefined {
  const values = headers === undefined ? [] : headerValues({ headers }, lowerCaseName);
  return values.length === 0 ? undefined : values.join(',');
}
