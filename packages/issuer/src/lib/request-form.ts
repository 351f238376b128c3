import type { IncomingMessage } from 'node:http';
import { decodeUtf8, type Params, parseParams } from './form.js';
import { isFormRequest, readBody } from './http.js';

export type FormResult = { ok: true; params: Params } | { ok: false; status: 400 | 413; description: string };

/** Reads a form-encoded POST body (token, introspect): size cap, content type, UTF-8, no repeats. */
export async function readForm(req: IncomingMessage): Promise<FormResult> {
  const body = await readBody(req);
  if (!body.ok) return { ok: false, status: 413, description: 'Request body is larger than 16 KiB' };
  if (!isFormRequest(req)) {
    return { ok: false, status: 400, description: 'Content-Type must be application/x-www-form-urlencoded' };
  }
  const text = decodeUtf8(body.body);
  if (text === undefined) return { ok: false, status: 400, description: 'Request body is not valid UTF-8' };
  const parsed = parseParams(text);
  if (!parsed.ok) return { ok: false, status: 400, description: parsed.description };
  return { ok: true, params: parsed.params };
}
