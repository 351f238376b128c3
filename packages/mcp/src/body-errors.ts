/**
 * The MCP endpoint's answer to a body its JSON parser (`express.json()`) refused: a JSON-RPC
 * error, as the SDK's Streamable HTTP transport answers a body it reads itself, instead of
 * Express's HTML error page, which outside production carries the parser's stack trace.
 */

/** The part of Express's response the handler uses. */
export interface BodyErrorResponse {
  readonly headersSent: boolean;
  status(code: number): { json(body: unknown): unknown };
}

/** A refusal of the body parser: an `http-errors` client error it marked safe to show, with a `type`. */
interface BodyParserError {
  readonly status: number;
  readonly type: string;
  readonly message: string;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  if (typeof error !== 'object' || error === null) return false;
  const { status, type, expose, message } = error as Record<string, unknown>;
  return (
    expose === true &&
    typeof status === 'number' &&
    status >= 400 &&
    status < 500 &&
    typeof type === 'string' &&
    typeof message === 'string'
  );
}

/**
 * An Express error handler for the MCP endpoint: invalid JSON is 400 with the JSON-RPC parse
 * error (-32700, the SDK transport's own message); another refused body (too large, a charset
 * it cannot decode) keeps its status with a JSON-RPC error (-32000) carrying the parser's
 * message. `id` is `null`: no request could be read (JSON-RPC 2.0 section 5). Any other error,
 * or one after the answer began, goes on to the next handler.
 *
 * @example app.use(authErrorHandler(), mcpBodyErrorHandler());
 */
export function mcpBodyErrorHandler() {
  return function tokenwardMcpBodyErrorHandler(
    error: unknown,
    _req: unknown,
    res: BodyErrorResponse,
    next: (error?: unknown) => void,
  ): void {
    if (!isBodyParserError(error) || res.headersSent) {
      next(error);
      return;
    }
    const parse = error.type === 'entity.parse.failed';
    res.status(error.status).json({
      jsonrpc: '2.0',
      error: parse
        ? { code: -32700, message: 'Parse error: Invalid JSON' }
        : { code: -32000, message: error.message },
      id: null,
    });
  };
}
