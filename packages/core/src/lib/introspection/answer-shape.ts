/**
 * An introspection answer read strictly (RFC 7662 §2.2) before anything in it is believed. One
 * that is not an introspection response is the authorization server's fault, never the token's,
 * so the endpoint client fails it as it fails an outage (503, endpoint.ts), and it is never cached.
 *
 * - JSON with one reading: no member named twice at any level, none named `__proto__`, bounded
 *   nesting, as a JWT's claims (token/json-object.ts). `{"active":false,"active":true}` is active
 *   to a parser that keeps the last member and inactive to one that keeps the first.
 * - A boolean `active`, the one member §2.2 requires.
 * - In an active answer, every member this API reads has the type its definition gives: the
 *   registered claims a JWT's must meet too (checks/claim-values.ts, covering §2.2's `scope`,
 *   `client_id`, `exp`, `iat`, `nbf`, `sub`, `aud`, `iss`, `jti`), §2.2's `username` and
 *   `token_type`, `acr` (RFC 9470 §6.2) and `cnf` (RFC 7800 §3.1) with its `jkt`, the key's
 *   thumbprint (RFC 9449 §6.2).
 * - In an active answer, no two members that say one thing disagree, by the rule a JWT's claims
 *   are held to (`scope` and `scp`; `cid`, `client_id` and `azp`: checks/claim-values.ts). A server
 *   that contradicts itself has not said which scopes or client it vouches for.
 *
 * A member without a value is left out (§2.2 makes every member but `active` optional); `null`
 * is no member's type and is refused, not read as absent, so a JWT's own member never stands in
 * for a `null` one (answer-bounds.ts). The members of an inactive answer are not read: the server
 * should send none (§2.2), and the verdict is the same whatever they say.
 */
import {
  contradiction,
  registeredTypeProblem,
  type TypeProblem,
  typeProblem,
} from '../checks/claim-values.js';
import { quote, quoteList } from '../quote.js';
import { structuralProblem } from '../token/json-object.js';

/**
 * What keeps `text` (the answer's body, read by JSON.parse as `value`) from being an
 * introspection response, worded to follow "answered"; `undefined` when nothing does.
 */
export function answerProblem(text: string, value: Record<string, unknown>): string | undefined {
  const structure = structuralProblem(text, value);
  if (structure !== undefined) {
    return `JSON that ${structure}; an answer must read the same to every parser (RFC 8259 section 4)`;
  }
  if (typeof value.active !== 'boolean') return 'without a boolean "active" (RFC 7662 section 2.2)';
  if (!value.active) return undefined;
  const problem = registeredTypeProblem(value) ?? introspectionTypeProblem(value);
  if (problem !== undefined) {
    const found =
      problem.found === 'null'
        ? 'null, which is refused rather than read as absent: a member without a value is left out (RFC 7662 section 2.2)'
        : problem.found;
    return `"active": true with a malformed "${problem.name}": expected ${problem.expected}; found ${found}`;
  }
  return contradictionProblem(value);
}

/** Two members of an active answer that say one thing and disagree, both named with their values. */
function contradictionProblem(answer: Readonly<Record<string, unknown>>): string | undefined {
  const contradicted = contradiction(answer);
  if (contradicted === undefined) return undefined;
  const [first, second] = contradicted;
  // Typed by now: `scope` a string, `scp` a string array, `cid`, `client_id` and `azp` non-empty strings.
  if (second === 'scope') {
    return (
      `"active": true with "scope" ${quote(answer.scope as string)} and "scp" [${quoteList(answer.scp as string[], ', ')}], ` +
      'which grant different scopes; an answer must grant one set of scopes'
    );
  }
  return (
    `"active": true with "${first}" ${quote(answer[first] as string)} and "${second}" ${quote(answer[second] as string)}, ` +
    'which name different clients; an answer must name one client'
  );
}

/** The members an answer may carry beside the registered claims, each with its definition's type. */
function introspectionTypeProblem(answer: Readonly<Record<string, unknown>>): TypeProblem | undefined {
  const { username, token_type, acr, cnf } = answer;
  return (
    typeProblem('username', username, 'string') ??
    typeProblem('token_type', token_type, 'string') ??
    typeProblem('acr', acr, 'string') ??
    typeProblem('cnf', cnf, 'JSON object') ??
    jktProblem(cnf as Readonly<Record<string, unknown>> | undefined)
  );
}

/**
 * `cnf.jkt`, when `cnf` (already a JSON object, or absent) states it: the base64url SHA-256 JWK
 * thumbprint of the key the token is bound to (RFC 9449 §6.2), so a non-empty string, as in a
 * JWT's `cnf` (checks/confirmation.ts). Any other value says the token is bound without saying
 * to which key: the server's fault, not a binding the request failed.
 */
function jktProblem(cnf: Readonly<Record<string, unknown>> | undefined): TypeProblem | undefined {
  const problem = cnf === undefined ? undefined : typeProblem('cnf.jkt', cnf.jkt, 'non-empty string');
  return problem === undefined
    ? undefined
    : { ...problem, expected: `${problem.expected} (the key's JWK thumbprint, RFC 9449 section 6.2)` };
}
