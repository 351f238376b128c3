import { afterEach, describe, expect, it } from 'vitest';
import type { GeneratorJob } from '../src/http/generator.js';
import { createLoadService } from '../src/http/generator-service.js';
import { closeServers, listen } from './support/loopback-server.js';

afterEach(closeServers);

/** A server that records each request's `Authorization` and answers after `delayMs()` milliseconds. */
async function recordingServer(delayMs: () => number = () => 0) {
  const seen: string[] = [];
  const port = await listen((request, response) => {
    seen.push(request.headers.authorization ?? '');
    setTimeout(() => {
      response.setHeader('Content-Length', 2);
      response.end('{}');
    }, delayMs());
  });
  return { port, seen };
}

const job = (port: number, cell: string, extra: Partial<GeneratorJob> = {}): GeneratorJob => ({
  port,
  traffic: 'distinct',
  seconds: 0.05,
  cell,
  latencies: 'none',
  ...extra,
});

const TOKENS = ['a', 'b', 'c', 'd', 'e'];
const expected = (from: number, count: number) =>
  Array.from({ length: count }, (_, step) => `Bearer ${TOKENS[(from + step) % TOKENS.length]}`);

describe("the load generator's process", () => {
  it('walks each cell through the distinct tokens on its own, from where its last load stopped', async () => {
    const serve = createLoadService({ same: 's', distinct: TOKENS, connections: 1 });
    const first = await recordingServer();
    const second = await recordingServer();
    const before = await serve(job(first.port, 'first'));
    await serve(job(second.port, 'second'));
    const after = await serve(job(first.port, 'first'));
    if (!before.ok || !after.ok) throw new Error('a load failed');
    expect(second.seen.slice(0, 3)).toEqual(expected(0, 3));
    expect(first.seen).toEqual(expected(0, before.sample.requests + after.sample.requests));
    expect(before.cpuMicroseconds).toBeGreaterThan(0);
  });

  it('sends the one token of same-token traffic whatever the cell', async () => {
    const serve = createLoadService({ same: 's', distinct: TOKENS, connections: 2 });
    const server = await recordingServer();
    const report = await serve(job(server.port, 'same cell', { traffic: 'same' }));
    expect(report.ok).toBe(true);
    expect(new Set(server.seen)).toEqual(new Set(['Bearer s']));
  });

  it("adds a cell's latencies to its log on `continue` and starts it afresh on `fresh`", async () => {
    const serve = createLoadService({ same: 's', distinct: TOKENS, connections: 1 });
    // One connection and answers at least 5 ms apart: the slow answers are more than 1% of any log holding them.
    let delay = 40;
    const server = await recordingServer(() => delay);
    await serve(job(server.port, 'cell', { latencies: 'fresh', seconds: 0.2 }));
    delay = 5;
    const continued = await serve(job(server.port, 'cell', { latencies: 'continue', seconds: 0.2 }));
    const fresh = await serve(job(server.port, 'cell', { latencies: 'fresh', seconds: 0.2 }));
    if (!continued.ok || !fresh.ok) throw new Error('a load failed');
    expect(continued.sample.p99).toBeGreaterThanOrEqual(35);
    expect(fresh.sample.p99).toBeLessThan(35);
  });

  it('answers a failed load with why, instead of failing the process', async () => {
    const serve = createLoadService({ same: 's', distinct: TOKENS, connections: 1 });
    const port = await listen((_request, response) => {
      response.statusCode = 401;
      response.setHeader('Content-Length', 2);
      response.end('{}');
    });
    const report = await serve(job(port, 'refused cell'));
    expect(report).toEqual({
      ok: false,
      error: expect.stringMatching(/^refused cell: 0 of \d+ answers 2xx/),
    });
  });
});
