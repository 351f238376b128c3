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
 *   `token_type`, `acr` (RFC 9470 §6.2) and `cnf` (RFC 7800 §3.1).
 *
 * A member without a value is left out (§2.2 makes every member but `active` optional); `null`
 * is no member's type and is refused, not read as absent, so a JWT's own member never stands in
 * for a `null` one (answer-bounds.ts). The members of an inactive answer are not read: the server
 * should send none (§2.2), and the verdict is the same whatever they say.
 */
import { registeredTypeProblem, type TypeProblem, typeProblem } from '../checks/claim-values.js';
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
  if (problem === undefined) return undefined;
  const found =
    problem.found === 'null'
      ? 'null, which is refused rather than read as absent: a member without a value is left out (RFC 7662 section 2.2)'
      : problem.found;
  return `"active": true with a malformed "${problem.name}": expected ${problem.expected}; found ${found}`;
}

/** The members an answer may carry beside the registered claims, each with its definition's type. */
function introspectionTypeProblem(answer: Readonly<Record<string, unknown>>): TypeProblem | undefined {
  const { username, token_type, acr, cnf } = answer;
  return (
    typeProblem('username', username, 'string') ??
    typeProblem('token_type', token_type, 'string') ??
    typeProblem('acr', acr, 'string') ??
    typeProblem('cnf', cnf, 'JSON object')
  );
}
