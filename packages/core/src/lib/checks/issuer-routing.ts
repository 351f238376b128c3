/**
 * Routes a token to the configured issuer its `iss` names, by exact string match (AT-4, DESIGN
 * rule 1), before any key is looked up: keys are only ever taken from the issuer the token names
 * (BCP-8). A miss is explained without fetching anything: an org-server token, a token of a
 * sibling custom server on the same origin, or an unknown issuer.
 */
import { TokenwardError } from '../../errors.js';
import { classifyIssuer } from '../../issuer.js';
import { QUOTED_LENGTH, quote } from '../quote.js';

export interface RoutableIssuer {
  readonly issuer: string;
  readonly origin: string;
  readonly server: { readonly kind: string; readonly id?: string };
}

export type IssuerRouter<Target extends RoutableIssuer> = (iss: unknown) => Target;

export function createIssuerRouter<Target extends RoutableIssuer>(
  targets: readonly Target[],
  orgServerRules: boolean,
): IssuerRouter<Target> {
  const byIssuer = new Map(targets.map((target) => [target.issuer, target]));
  const customByOrigin = new Map<string, Target[]>();
  for (const target of targets) {
    if (target.server.kind !== 'custom') continue;
    customByOrigin.set(target.origin, [...(customByOrigin.get(target.origin) ?? []), target]);
  }
  // Messages never list the configured issuers: anyone may send a token, and the list names the
  // API's tenants (and with hundreds of issuers would not fit a header). The verifier's
  // `verification_failed` event carries the list for operators.
  const trusted = targets.length === 1 ? 'the issuer this API trusts' : 'an issuer this API trusts';

  // With one issuer (the usual API), comparing strings beats hashing each token's fresh `iss`.
  const only = targets.length === 1 ? targets[0] : undefined;

  return (iss) => {
    if (only !== undefined && iss === only.issuer) return only;
    if (iss === undefined) throw new TokenwardError('ERR_CLAIM_MISSING', 'token has no "iss" claim');
    if (typeof iss !== 'string' || iss === '') {
      const foundText = iss === '' ? 'an empty string' : typeof iss;
      throw new TokenwardError(
        'ERR_CLAIM_INVALID',
        `claim "iss" must be a non-empty string; found ${foundText}`,
      );
    }
    const target = byIssuer.get(iss);
    if (target !== undefined) return target;
    const parsed = classifyIssuer(iss);
    const siblings = parsed === undefined ? undefined : customByOrigin.get(parsed.origin);
    if (parsed?.kind === 'org' && siblings !== undefined && orgServerRules) {
      throw new TokenwardError(
        'ERR_ORG_SERVER_TOKEN',
        `token is from the org authorization server ${quote(iss)}, whose access tokens are for the ` +
          "vendor's own APIs only; obtain tokens from the custom authorization server this API trusts",
      );
    }
    if (parsed?.kind === 'custom' && siblings !== undefined) {
      throw new TokenwardError(
        'ERR_ISSUER_MISMATCH',
        `token is from custom authorization server ${quote(parsed.id)} (${quote(iss)}), which is not ` +
          `${trusted}; authorization servers share no trust`,
      );
    }
    const slashTwin = byIssuer.get(iss.endsWith('/') ? iss.slice(0, -1) : `${iss}/`);
    if (slashTwin !== undefined) {
      // RFC 9068 §4, OIDC Core §3.1.3.7 step 2: compared exactly, so one slash is another issuer.
      throw new TokenwardError(
        'ERR_ISSUER_MISMATCH',
        `token iss ${quote(iss, QUOTED_LENGTH.configured)} differs from a configured issuer only by a ` +
          "trailing slash; the configured issuer is the likely mistake: it must equal the server's issuer exactly",
      );
    }
    throw new TokenwardError('ERR_ISSUER_MISMATCH', `token iss ${quote(iss)} is not ${trusted}`);
  };
}
