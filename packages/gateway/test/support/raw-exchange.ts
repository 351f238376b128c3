/**
 * Bytes written to a proxy exactly as given, for what an HTTP client library will not send:
 * pipelined requests, repeated or folded header lines, Content-Length beside Transfer-Encoding.
 */
import { createConnection } from 'node:net';

export interface Exchange {
  /** The status of every response that came back, in order. */
  readonly statuses: number[];
  /** Everything that came back (latin1). */
  readonly text: string;
}

/** Writes `text` on one connection and resolves once it closes (the peer's close, or 10 s idle). */
export function exchange(port: number, text: string): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write(text));
    let received = '';
    socket.setEncoding('latin1').on('data', (chunk: string) => {
      received += chunk;
    });
    // A guard against a proxy that keeps the connection open, not a timing assertion.
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('close', () =>
      resolve({
        statuses: [...received.matchAll(/^HTTP\/1\.[01] (\d{3}) /gm)].map((match) => Number(match[1])),
        text: received,
      }),
    );
    // A reset after the answers (a proxy closing on unread bytes) still ends in 'close'; a refused
    // connection resolves with no statuses, which the tests' assertions report.
    socket.on('error', () => {});
  });
}

/** One request's bytes: the request line, `Host: www.example.com`, the given header lines, a body. */
export function requestBytes(line: string, headers: readonly string[] = [], body = ''): string {
  return `${line}\r\nHost: www.example.com\r\n${headers.map((header) => `${header}\r\n`).join('')}\r\n${body}`;
}
