import { afterEach, describe, expect, it } from 'vitest';
import { loadWithKeepAlive } from '../src/http/keep-alive-client.js';
import { bearerAuthorizations, runLoad, TokenRotation } from '../src/http/load.js';
import { closeServers, listen } from './support/loopback-server.js';

/** A 50 ms load of plain GETs, answers ignored: for the failures a load must report. */
const loadBriefly = (port: number, connections: number) =>
  loadWithKeepAlive({
    port,
    connections,
    durationMs: 50,
    nextRequest: () => 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
    onAnswer: () => undefined,
  });

afterEach(closeServers);

describe('the HTTP phase load generator', () => {
  it('keeps each connection alive and counts every answer, with its status', async () => {
    const connectionsSeen = new Set<unknown>();
    let requests = 0;
    const port = await listen((request, response) => {
      connectionsSeen.add(request.socket);
      requests += 1;
      // Every fifth answer is a refusal, split across two writes to test the framing.
      response.statusCode = requests % 5 === 0 ? 401 : 200;
      response.setHeader('Content-Length', 15);
      response.write('{"orders"');
      setImmediate(() => response.end(':[] }\n'));
    });
    const statuses: number[] = [];
    const outcome = await loadWithKeepAlive({
      port,
      connections: 3,
      durationMs: 200,
      nextRequest: () => 'GET /orders HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
      onAnswer: (status) => statuses.push(status),
    });
    expect(outcome.answered).toBe(requests);
    expect(outcome.answered).toBe(statuses.length);
    expect(outcome.successful).toBe(statuses.filter((status) => status === 200).length);
    expect(statuses).toContain(401);
    expect(connectionsSeen.size).toBe(3);
    expect(outcome.milliseconds).toBeGreaterThanOrEqual(200);
  });

  it('sends each request the rotation gives, keeping its place from one load to the next', async () => {
    const seen: string[] = [];
    const port = await listen((request, response) => {
      seen.push(request.headers.authorization ?? '');
      response.setHeader('Content-Length', 2);
      response.end('{}');
    });
    const rotation = new TokenRotation(bearerAuthorizations(['a', 'b', 'c']));
    const plan = { port, rotation, connections: 1 };
    const first = await runLoad(plan, 0.05, 'first');
    await runLoad(plan, 0.05, 'second');
    expect(seen.slice(0, 4)).toEqual(['Bearer a', 'Bearer b', 'Bearer c', 'Bearer a']);
    // The second load went on where the first stopped.
    expect(seen[first.requests]).toBe(['Bearer a', 'Bearer b', 'Bearer c'][first.requests % 3]);
    expect(first.requestsPerSecond).toBeCloseTo(first.requests / first.seconds, 6);
    expect(first.p99).toBeGreaterThanOrEqual(first.p50);
  });

  it('fails a load with any answer that is not 2xx', async () => {
    let requests = 0;
    const port = await listen((_request, response) => {
      requests += 1;
      response.statusCode = requests === 3 ? 500 : 200;
      response.setHeader('Content-Length', 2);
      response.end('{}');
    });
    const plan = { port, rotation: new TokenRotation(bearerAuthorizations(['t'])), connections: 1 };
    await expect(runLoad(plan, 0.05, 'refused')).rejects.toThrow(/refused: \d+ of \d+ answers 2xx/);
  });

  it('refuses an answer it cannot frame by its Content-Length', async () => {
    // Written in two parts without a length, the body goes out chunked.
    const port = await listen((_request, response) => {
      response.write('{');
      response.end('}');
    });
    await expect(loadBriefly(port, 1)).rejects.toThrow(/expected an HTTP\/1.1 answer with a Content-Length/);
  });

  it('fails when the server closes a connection mid-load', async () => {
    const port = await listen((request) => request.socket.destroy());
    await expect(loadBriefly(port, 2)).rejects.toThrow(/closed a keep-alive connection/);
  });
});
