import { describe, expect, it } from 'vitest';
import { type BodyErrorResponse, mcpBodyErrorHandler } from '../src/index.js';

/** A response that records what the handler answered. */
function response(headersSent = false) {
  const answers: { status: number; body: unknown }[] = [];
  const res: BodyErrorResponse = {
    headersSent,
    status: (status) => ({ json: (body) => answers.push({ status, body }) }),
  };
  return { res, answers };
}

/** What body-parser passes on for a body it cannot parse (an `http-errors` error). */
const parseFailure = () =>
  Object.assign(new SyntaxError('Unexpected end of JSON input'), {
    status: 400,
    expose: true,
    type: 'entity.parse.failed',
    body: '{"jsonrpc":',
  });

describe('mcpBodyErrorHandler', () => {
  it('answers a parse failure with the JSON-RPC parse error, without the parser message or body', () => {
    const { res, answers } = response();
    const passed: unknown[] = [];
    mcpBodyErrorHandler()(parseFailure(), {}, res, (error) => passed.push(error));
    expect(passed).toEqual([]);
    expect(answers).toEqual([
      {
        status: 400,
        body: { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error: Invalid JSON' }, id: null },
      },
    ]);
  });

  it('passes on errors that are not the body parser’s, server errors, and any error after the answer began', () => {
    const handler = mcpBodyErrorHandler();
    const serverError = Object.assign(new Error('db down'), { status: 500, expose: false, type: 'db' });
    const untyped = Object.assign(new Error('no type'), { status: 400, expose: true });
    for (const [error, headersSent] of [
      [new Error('a bug'), false],
      [serverError, false],
      [untyped, false],
      ['a string', false],
      [parseFailure(), true],
    ] as const) {
      const { res, answers } = response(headersSent);
      const passed: unknown[] = [];
      handler(error, {}, res, (next) => passed.push(next));
      expect(answers).toEqual([]);
      expect(passed).toEqual([error]);
    }
  });
});
