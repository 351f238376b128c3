import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestCounter } from '../lib/counters.js';
import { type FaultTable, parseFault } from '../lib/faults.js';
import { readBody, sendJson, sendMethodNotAllowed } from '../lib/http.js';

/**
 * Runtime fault injection for processes started from the CLI (enabled only with `admin: true`):
 * `POST /__admin/faults` (a JSON fault), `DELETE /__admin/faults`, `GET|DELETE /__admin/counts`.
 */
export async function handleAdmin(
  resource: 'faults' | 'counts',
  req: IncomingMessage,
  res: ServerResponse,
  faults: FaultTable,
  counter: RequestCounter,
): Promise<void> {
  if (resource === 'counts') {
    if (req.method === 'GET') {
      return sendJson(res, 200, { total: counter.count(), counts: counter.entries() });
    }
    if (req.method === 'DELETE') {
      counter.reset();
      return sendJson(res, 200, { total: 0, counts: [] });
    }
    return sendMethodNotAllowed(res, ['GET', 'DELETE']);
  }
  if (req.method === 'DELETE') {
    faults.clear();
    return sendJson(res, 200, { cleared: true });
  }
  if (req.method !== 'POST') return sendMethodNotAllowed(res, ['POST', 'DELETE']);
  const body = await readBody(req);
  if (!body.ok)
    return sendJson(res, 413, { error: 'invalid_request', error_description: 'Body over 16 KiB' });
  try {
    const fault = parseFault(JSON.parse(body.body.toString('utf8')));
    faults.set(fault);
    return sendJson(res, 201, { fault });
  } catch (error) {
    const message = error instanceof TypeError ? error.message : 'body must be a JSON fault object';
    return sendJson(res, 400, { error: 'invalid_request', error_description: message });
  }
}
