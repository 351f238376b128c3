/**
 * Terminal colours, used only when they cannot end up as garbage in a file or a pipe: the stream
 * must be a TTY, and `NO_COLOR` (no-color.org: set and not empty) or `TERM=dumb` turn them off.
 */

export interface Palette {
  readonly green: (text: string) => string;
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
  /** Every escape sequence these functions write (none when colours are off). */
  readonly sequences: readonly string[];
}

/** Whether to colour what goes to `stream`. */
export function colorEnabled(
  stream: { readonly isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

const SGR_CODES = [1, 2, 22, 31, 32, 33, 39];
const sgrSequence = (code: number): string => `\u001b[${code}m`;

function sgr(open: number, close: number): (text: string) => string {
  return (text) => `${sgrSequence(open)}${text}${sgrSequence(close)}`;
}

const plain = (text: string): string => text;

/** ANSI colours when `enabled`, identity functions otherwise. */
export function createPalette(enabled: boolean): Palette {
  if (!enabled) return { green: plain, red: plain, yellow: plain, dim: plain, bold: plain, sequences: [] };
  return {
    green: sgr(32, 39),
    red: sgr(31, 39),
    yellow: sgr(33, 39),
    dim: sgr(2, 22),
    bold: sgr(1, 22),
    sequences: SGR_CODES.map(sgrSequence),
  };
}
