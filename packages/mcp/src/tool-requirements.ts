/**
 * Per-tool requirements for an MCP server protected by tokenward's own middleware: a
 * `tools/call` of a listed tool must meet that tool's requirements, answered as any route's
 * (403 `insufficient_scope` with `scope`, 401 step-up), so the SDK client can ask for more.
 */
import {
  type AccessTokenResult,
  type AccessTokenVerifier,
  type AuthRequirements,
  checkAuthRequirements,
  TokenwardError,
  validateAuthRequirements,
  validateRequestOptions,
  verifierChallenge,
} from '@tokenward/core';

/**
 * Tool name → what a call of that tool needs. A tool's `scopes` should include the endpoint's
 * own: the challenge names them, and the client asks for exactly those.
 * @example { refund_order: { scopes: ['mcp:tools', 'orders:refund'] }, wire_money: { acrValues: ['phrh'] } }
 */
export type ToolRequirements = Readonly<Record<string, AuthRequirements>>;

/** Options of {@link toolRequirementsCheck}. */
export interface ToolRequirementsOptions {
  /**
   * `realm` of the challenges: give the endpoint's, when its `requireAuth` has a `realm` option of
   * its own, so a tool's refusal names the realm every other answer of the endpoint names.
   * Printable ASCII without `"` or `\`. Default: the verifier's `realm`.
   * @example toolRequirementsCheck(verifier, tools, { realm: 'orders-mcp' })
   */
  readonly realm?: string;
}

/** Throws the `TokenwardError` a request's tool calls earn, or returns when they may run. */
export type ToolRequirementsCheck = (body: unknown, auth: AccessTokenResult | undefined) => void;

/**
 * A check of one MCP HTTP request's JSON-RPC body (a message or a batch) against `tools`,
 * after the endpoint's own authentication. The requirements and options are checked here, once
 * (`ERR_CONFIG`); the errors carry the endpoint's realm (`options.realm`, else the verifier's), the
 * verifier's metadata URL and DPoP challenge like the endpoint's own.
 *
 * @example
 * const checkTools = toolRequirementsCheck(verifier, { refund_order: { scopes: ['mcp:tools', 'orders:refund'] } });
 * app.post('/mcp', requireAuth(verifier, { scopes: ['mcp:tools'] }), express.json(), (req, res, next) => {
 *   try { checkTools(req.body, req.auth); } catch (error) { return next(error); }
 *   // ... hand the request to the SDK transport
 * });
 */
export function toolRequirementsCheck(
  verifier: AccessTokenVerifier,
  tools: ToolRequirements,
  options: ToolRequirementsOptions = {},
): ToolRequirementsCheck {
  const { realm, ...others } = validateRequestOptions(options, 'toolRequirementsCheck');
  const [other] = Object.keys(others);
  if (other !== undefined) {
    throw new TokenwardError(
      'ERR_CONFIG',
      `tokenward: toolRequirementsCheck: \`${other}\` is not an option here; only \`realm\` is (the endpoint's requireAuth takes the others)`,
    );
  }
  const checked = new Map(
    Object.entries(tools).map(([name, requirements]) => [
      name,
      validateAuthRequirements(requirements, `toolRequirementsCheck: tool "${name}"`),
    ]),
  );
  // The endpoint's own challenge: with a verifier that takes DPoP, both schemes (RFC 9449 section 7.1).
  const challenge = verifierChallenge(verifier, realm);
  return (body, auth) => {
    for (const message of Array.isArray(body) ? body : [body]) {
      const requirements = checked.get(toolCalled(message) ?? '');
      if (requirements !== undefined) checkAuthRequirements(auth, requirements, challenge);
    }
  };
}

/** The tool a JSON-RPC `tools/call` request names, if the message is one. */
function toolCalled(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { method, params } = message as { method?: unknown; params?: unknown };
  if (method !== 'tools/call' || typeof params !== 'object' || params === null) return undefined;
  const { name } = params as { name?: unknown };
  return typeof name === 'string' ? name : undefined;
}
