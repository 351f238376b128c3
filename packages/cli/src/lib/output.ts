/**
 * Where commands write and read, injected so the same code runs as the `tokenward` process and
 * in-process in tests, plus the small rendering helpers every command shares.
 */
import { colorEnabled, createPalette, type Palette } from './color.js';
import { escapeLine, terminalSafeJson } from './terminal-text.js';

export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly stdin: AsyncIterable<string | Uint8Array>;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The running process's streams and environment. */
export function processIo(): CliIo {
  return {
    stdout: closablePipe(process.stdout, process.stderr),
    stderr: closablePipe(process.stderr),
    stdin: process.stdin,
    env: process.env,
  };
}

/**
 * A process stream whose reader may leave early (`tokenward inspect ... | head -1`). A write to a
 * closed pipe fails with EPIPE, which Node reports as an 'error' event that would end the process
 * with a stack trace; here it only stops further output, and the command still ends with its own
 * exit code. Any other write failure is reported once on `report` (stderr, for stdout).
 */
function closablePipe(stream: NodeJS.WriteStream, report?: NodeJS.WriteStream): OutputStream {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (!closed && error.code !== 'EPIPE') report?.write(`tokenward: cannot write output (${error.code})\n`);
    closed = true;
  });
  return {
    isTTY: stream.isTTY,
    write: (text: string) => !closed && stream.write(text),
  };
}

/** Exit codes of every command. */
export const EXIT = Object.freeze({
  /** The token is valid, the issuer checks out, the demo matched. */
  ok: 0,
  /** The token was refused or a check failed. */
  invalid: 1,
  /** The command line could not be run. */
  usage: 2,
  /** The issuer could not be reached or answered with an error (the 503 family of codes). */
  unreachable: 3,
});

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Outcome of one check in a report: passed, failed, a warning, informational, or not run. */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'info' | 'skip';

const MARKS: Record<CheckStatus, { symbol: string; color: Exclude<keyof Palette, 'sequences'> }> = {
  pass: { symbol: '✓', color: 'green' },
  fail: { symbol: '✗', color: 'red' },
  warn: { symbol: '!', color: 'yellow' },
  info: { symbol: '·', color: 'dim' },
  skip: { symbol: '-', color: 'dim' },
};

/**
 * Writes lines, coloured only when the stream and the environment allow it. Every control
 * character in a line except the palette's own colour codes is escaped, so nothing a token or an
 * issuer says can move the cursor, clear the screen or start a line of its own.
 */
export class Printer {
  readonly palette: Palette;

  constructor(
    private readonly stream: OutputStream,
    env: CliIo['env'],
  ) {
    this.palette = createPalette(colorEnabled(stream, env));
  }

  line(text = ''): void {
    this.stream.write(`${escapeLine(text, this.palette.sequences)}\n`);
  }

  /** `✓ label  detail`, the mark coloured by status. */
  check(status: CheckStatus, label: string, detail = '', indent = '  '): void {
    const mark = MARKS[status];
    const paint = this.palette[mark.color];
    const text = detail === '' ? label : `${label.padEnd(14)} ${detail}`;
    this.line(`${indent}${paint(mark.symbol)} ${text}`);
  }

  mark(status: CheckStatus): string {
    const mark = MARKS[status];
    return this.palette[mark.color](mark.symbol);
  }
}

/** Pretty JSON on stdout, one document per run, with every control character escaped. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${terminalSafeJson(value, 2)}\n`);
}

/** A duration in words: `42 s`, `5 min 3 s`, `2 h 10 min`, `3 d 4 h`. */
export function formatDuration(seconds: number): string {
  const total = Math.round(Math.abs(seconds));
  if (total < 60) return `${total} s`;
  const parts: Array<[number, string]> = [
    [Math.floor(total / 86_400), 'd'],
    [Math.floor((total % 86_400) / 3600), 'h'],
    [Math.floor((total % 3600) / 60), 'min'],
    [total % 60, 's'],
  ];
  const first = parts.findIndex(([value]) => value > 0);
  return parts
    .slice(first, first + 2)
    .filter(([value]) => value > 0)
    .map(([value, unit]) => `${value} ${unit}`)
    .join(' ');
}
