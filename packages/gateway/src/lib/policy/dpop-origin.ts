/**
 * What a gateway policy may say about where a DPoP proof's origin comes from, beyond core's own
 * checks of the `dpop` option. With `trustForwardedHeaders: true` the gateway checks each proof
 * against the scheme and host the proxy described (RFC 9449 section 4.3 check 9), and that host is
 * the `Host` header the client sent under every recipe: a proxy serving any host routes whatever
 * the client wrote there. Only `origins` pins the hosts a proof may name.
 */
import { isRecord } from './fields.js';
import type { FieldPath, IssueList } from './issues.js';

/** Adds the issues of an issuer entry's `dpop.trustForwardedHeaders` (the entry at `at`) to `issues`. */
export function checkDpopOrigin(
  options: Readonly<Record<string, unknown>>,
  at: FieldPath,
  issues: IssueList,
): void {
  const dpop = options.dpop;
  // Anything else is core's to refuse, when the verifier is made.
  if (!isRecord(dpop) || dpop.trustForwardedHeaders === undefined || dpop.trustForwardedHeaders === false) {
    return;
  }
  const field = [...at, 'dpop', 'trustForwardedHeaders'];
  if (dpop.trustForwardedHeaders !== true) {
    // Core compares a list with the peer address of the request, which the gateway never has
    // (its peer is the proxy): the list would silently never apply.
    issues.add(
      field,
      'is true or false in a gateway policy: the gateway always takes the scheme and host from the proxy that asks it',
    );
  } else if (dpop.origins === undefined) {
    issues.add(
      field,
      'takes the host from the Host header the client sent, which a proxy serving any host passes on whatever it says: ' +
        'list the origins the API is reached at in dpop.origins, e.g. [https://api.example.com]',
    );
  }
}
