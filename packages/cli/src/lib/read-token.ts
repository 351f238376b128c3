/**
 * Gets the token a command works on: from its argument, or from stdin with `-` (which keeps it
 * out of shell history and `ps`). A pasted `Bearer ` prefix and surrounding whitespace are dropped.
 */
import { UsageError } from './args.js';

/** Far above any real token (core refuses more than 8 KiB by default); stops runaway input. */
const MAX_STDIN_BYTES = 1024 * 1024;

export async function readToken(
  argument: string | undefined,
  stdin: AsyncIterable<string | Uint8Array>,
): Promise<string> {
  if (argument === undefined) {
    throw new UsageError('missing token: give it as the argument, or "-" to read it from stdin');
  }
  const raw = argument === '-' ? await readAll(stdin) : argument;
  const token = raw.trim().replace(/^bearer\s+/i, '');
  if (token === '') {
    throw new UsageError(argument === '-' ? 'no token on stdin' : 'the token argument is empty');
  }
  return token;
}

async function readAll(stdin: AsyncIterable<string | Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
    size += bytes.length;
    if (size > MAX_STDIN_BYTES) throw new UsageError(`stdin holds more than ${MAX_STDIN_BYTES} bytes`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}
