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
  const expected = targets.map((target) => quote(target.issuer, QUOTED_LENGTH.configured)).join(' or ');

  return (iss) => {
    if (iss === undefined) throw new TokenwardError('ERR_CLAIM_MISSING', 'token has no "iss" claim');
    if (typeof iss !== 'string') {
      throw new TokenwardError('ERR_CLAIM_INVALID', `claim "iss" must be a string; found ${typeof iss}`);
    }
    const target = byIssuer.get(iss);
    if (target !== undefined) return target;
    const parsed = classifyIssuer(iss);
    const siblings = parsed === undefined ? undefined : customByOrigin.get(parsed.origin);
    if (parsed?.kind === 'org' && siblings !== undefined && orgServerRules) {
      throw new TokenwardError(
        'ERR_ORG_SERVER_TOKEN',
        `token is from the org authorization server ${quote(iss)}, whose access tokens are for the ` +
          `vendor's own APIs only; obtain tokens from the custom authorization server this verifier trusts (${expected})`,
      );
    }
    if (parsed?.kind === 'custom' && siblings !== undefined) {
      const trusted = siblings
        .map((sibling) => quote(sibling.server.id ?? '', QUOTED_LENGTH.configured))
        .join(' or ');
      throw new TokenwardError(
        'ERR_ISSUER_MISMATCH',
        `token is from custom authorization server ${quote(parsed.id)} (${quote(iss)}), but this verifier trusts ` +
          `server ${trusted} (${expected}); authorization servers share no trust`,
      );
    }
    throw new TokenwardError('ERR_ISSUER_MISMATCH', `expected iss ${expected}; found ${quote(iss)}`);
  };
}
