/**
 * Text from outside (token content, an issuer's documents) shown on a terminal. Terminals act on
 * control characters — C0 (ESC, CR, BS, ...), DEL, C1 (U+009B is a one-character CSI) — and bidi
 * controls reorder what follows them, so a crafted claim could clear the screen, rewrite a line
 * or fake a verdict. Every such character is shown as a visible escape instead.
 */

/** True for the code points a terminal or a bidi renderer acts on instead of showing. */
function isControl(code: number): boolean {
  return (
    code <= 0x1f || // C0, including ESC, CR, LF, TAB, BS
    (code >= 0x7f && code <= 0x9f) || // DEL and C1
    code === 0x061c || // Arabic letter mark
    code === 0x200e || // left-to-right mark
    code === 0x200f || // right-to-left mark
    code === 0x2028 || // line separator
    code === 0x2029 || // paragraph separator
    (code >= 0x202a && code <= 0x202e) || // embeddings and overrides
    (code >= 0x2066 && code <= 0x2069) // isolates
  );
}

const hex = (code: number, digits: number): string => code.toString(16).padStart(digits, '0');

/** `text` with every control character written as `\xHH` (up to U+00FF) or `\uHHHH`. */
export function escapeControls(text: string): string {
  let escaped = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (!isControl(code)) escaped += char;
    else escaped += code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
  }
  return escaped;
}

/**
 * `value` as JSON that a terminal shows verbatim: `JSON.stringify` already escapes C0, and the
 * other control characters become `\uHHHH` escapes, which decode to the same string. They can
 * only occur inside strings, because JSON's own syntax is ASCII.
 */
export function terminalSafeJson(value: unknown, indent?: number): string {
  let json = '';
  for (const char of JSON.stringify(value, null, indent)) {
    const code = char.codePointAt(0) ?? 0;
    // C0 left here is the indentation's own line breaks; inside strings stringify escaped it.
    json += code > 0x1f && isControl(code) ? `\\u${hex(code, 4)}` : char;
  }
  return json;
}

/**
 * Escapes `line`, a line ready to print that may hold our own colour codes: the sequences in
 * `keep` (the palette's SGR codes, when colours are on) stay as they are, everything else that
 * is a control character is escaped. A token that contains one of those exact colour codes can
 * change a colour, never move the cursor or start a new line.
 */
export function escapeLine(line: string, keep: readonly string[]): string {
  if (keep.length === 0) return escapeControls(line);
  let out = '';
  let start = 0;
  for (let index = line.indexOf('\u001b'); index !== -1; index = line.indexOf('\u001b', index + 1)) {
    const sequence = keep.find((candidate) => line.startsWith(candidate, index));
    if (sequence === undefined) continue;
    out += escapeControls(line.slice(start, index)) + sequence;
    start = index + sequence.length;
    index = start - 1;
  }
  return out + escapeControls(line.slice(start));
}
