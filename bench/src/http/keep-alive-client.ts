/**
 * The HTTP phase's load generator: a few keep-alive HTTP/1.1 connections, each sending its next
 * request as soon as the last answer is in (no pipelining), the way autocannon drives a server.
 *
 * Why not autocannon: on this 2-core machine the generator and the server share the CPU, and a
 * request rebuilt per call through autocannon's `setupRequest` (the distinct-token traffic) costs
 * it more than a Fastify request costs the server. Profiled, the Fastify servers then used 0.4 to
 * 0.6 of a core: the rate measured autocannon. Here a request is one string written to the socket
 * and an answer is found by its `Content-Length`. It runs in a process of its own (generator.ts),
 * and the HTTP table reports its CPU per request beside the server's.
 */
import { connect, type Socket } from 'node:net';

/** The answers one load got, and how long it ran until the last of them. */
export interface ConnectionsOutcome {
  readonly answered: number;
  readonly successful: number;
  readonly milliseconds: number;
}

export interface KeepAliveLoad {
  readonly port: number;
  readonly connections: number;
  readonly durationMs: number;
  /** The next request to send, whole (request line, headers, blank line), in latin1. */
  readonly nextRequest: () => string;
  /** Called for every answer with its status and its time since the request was written, in ms. */
  readonly onAnswer: (status: number, milliseconds: number) => void;
}

const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)[ \t]*\r\n/i;
// "HTTP/1.1 200 OK": the status code's three digits start at the tenth byte.
const STATUS_START = 9;

/**
 * Keeps `connections` requests in flight for `durationMs`, then lets each connection's last
 * answer arrive and closes it. Rejects when a connection fails or an answer cannot be framed.
 */
export async function loadWithKeepAlive(load: KeepAliveLoad): Promise<ConnectionsOutcome> {
  const started = performance.now();
  const deadline = started + load.durationMs;
  const counts = { answered: 0, successful: 0 };
  const sockets: Socket[] = [];
  const drives = Array.from({ length: load.connections }, () =>
    driveConnection(load, deadline, counts, sockets),
  );
  try {
    await Promise.all(drives);
  } finally {
    for (const socket of sockets) socket.destroy();
  }
  return { ...counts, milliseconds: performance.now() - started };
}

function driveConnection(
  load: KeepAliveLoad,
  deadline: number,
  counts: { answered: number; successful: number },
  sockets: Socket[],
): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(load.port, '127.0.0.1');
    sockets.push(socket);
    socket.setNoDelay(true);
    let sentAt = 0;
    let unread: Buffer | undefined;
    let finished = false;
    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      socket.destroy();
      if (error === undefined) resolve();
      else reject(error);
    };
    const send = () => {
      sentAt = performance.now();
      socket.write(load.nextRequest(), 'latin1');
    };
    socket.once('connect', send);
    socket.on('data', (chunk: Buffer) => {
      let data = unread === undefined ? chunk : Buffer.concat([unread, chunk]);
      for (;;) {
        const frame = frameAnswer(data);
        if (frame === undefined) break;
        if (typeof frame === 'string') return finish(new Error(frame));
        const now = performance.now();
        counts.answered += 1;
        if (frame.status >= 200 && frame.status < 300) counts.successful += 1;
        load.onAnswer(frame.status, now - sentAt);
        data = data.subarray(frame.length);
        if (now >= deadline) return finish();
        send();
      }
      unread = data.length === 0 ? undefined : data;
    });
    socket.on('error', (error) => finish(error));
    socket.on('close', () => finish(new Error('the server closed a keep-alive connection mid-load')));
  });
}

/**
 * The status and length of the answer at the start of `data`; `undefined` until all of it has
 * arrived; a string saying why it cannot be framed (the servers measured all send a length).
 */
function frameAnswer(data: Buffer): { status: number; length: number } | string | undefined {
  const headerEnd = data.indexOf(HEADER_END);
  if (headerEnd === -1) return undefined;
  const head = data.toString('latin1', 0, headerEnd + 2);
  const status = Number(head.slice(STATUS_START, STATUS_START + 3));
  const declared = CONTENT_LENGTH.exec(head);
  if (!head.startsWith('HTTP/1.1 ') || !Number.isInteger(status) || declared === null) {
    return `expected an HTTP/1.1 answer with a Content-Length; found ${JSON.stringify(head.slice(0, 200))}`;
  }
  const length = headerEnd + HEADER_END.length + Number(declared[1]);
  return data.length < length ? undefined : { status, length };
}
