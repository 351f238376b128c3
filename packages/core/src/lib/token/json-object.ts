import { LIMITS } from '../../defaults.js';
import { TokenwardError } from '../../errors.js';
import { deepFreeze } from './deep-freeze.js';

/** Deepest nesting of objects and arrays accepted in a JOSE header or claims set (§4.13 size caps). */
export const MAX_JSON_DEPTH = LIMITS.jsonDepth.max;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const PROTO = '__proto__';
/** A UTF-16 surrogate without its other half (code units: the regular expression has no `u` flag). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Parses a JOSE header or JWT claims set, decoded from UTF-8 by the token codec: JSON whose top
 * level is an object (RFC 7519 §7.2),
 * with unique member names at every level (RFC 7515 §4) and bounded nesting.
 *
 * RFC 7515 §4 allows either rejecting duplicate names or keeping the last one; we reject, because two
 * parsers that pick different duplicates read two different tokens from one signature.
 * A member named `__proto__` is refused at any depth: JSON.parse keeps it as a plain member, but a
 * consumer that copies the claims with `Object.assign` or a spread into an object literal would
 * take its value as the copy's prototype, an attacker-chosen one.
 * Errors carry no `cause`: a SyntaxError's message quotes the text being parsed.
 *
 * The object comes back deeply frozen (a verified token's claims are shared by every caller of a
 * cached result), frozen during the walk that proves it well formed rather than by a second one.
 */
export function parseJsonObject(text: string, part: 'header' | 'payload'): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TokenwardError('ERR_TOKEN_MALFORMED', `JWT ${part} is not UTF-8 encoded JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TokenwardError(
      'ERR_TOKEN_MALFORMED',
      `JWT ${part} must be a JSON object; found ${describe(value)}`,
    );
  }
  const problem = structuralProblem(text, value);
  if (problem !== undefined) throw new TokenwardError('ERR_TOKEN_MALFORMED', `JWT ${part} ${problem}`);
  return value as Record<string, unknown>;
}

/**
 * What in `text` (which JSON.parse read as `value`) could be read more than one way, a member
 * name repeated at any level, a `__proto__` member or a `\u` escape of a lone surrogate, or nests
 * deeper than {@link MAX_JSON_DEPTH},
 * worded to follow the document's name (`repeats a member name`); `undefined` when nothing does,
 * and `value` is then deeply frozen. Linear in the length of `text`. Any JSON another party sends
 * to be read as claims is held to it (an introspection answer too), for the reasons
 * {@link parseJsonObject} gives.
 */
export function structuralProblem(text: string, value: object): string | undefined {
  if (isPlainlyWellFormed(text, value)) return undefined;
  const problem = findStructuralProblem(text);
  if (problem === undefined) deepFreeze(value);
  return problem;
}

/**
 * A cheap proof that `text` repeats no member name and nests no deeper than allowed, for the
 * usual token without escapes (text decoded from UTF-8 holds no lone surrogate unless an escape
 * spells one), which freezes what it walks; `false` means only that the exact walk must decide.
 *
 * JSON.parse drops the earlier of two same-named members with everything in it, so the parsed
 * value holds fewer member names than the text exactly when a name repeats (and then it nests as
 * deep as the text). Without a backslash every `"` delimits a string, and the text's names are
 * counted one of two ways:
 * - without whitespace (what JSON serialisers write), each name is a `"` right before a `:`, and
 *   the only other such pair opens a string that starts with a colon, which can only make the
 *   count too high;
 * - else by the quotes, half as many strings as names plus string values.
 */
function isPlainlyWellFormed(text: string, value: object): boolean {
  if (text.includes('\\')) return false;
  if (hasWhitespace(text)) {
    const strings = countStrings(value, 1, true);
    return strings >= 0 && strings * 2 === countQuotes(text);
  }
  const names = countStrings(value, 1, false);
  return names >= 0 && names === countQuotedColons(text);
}

/** JSON's insignificant whitespace (RFC 8259 section 2): four searches, no regular expression. */
function hasWhitespace(text: string): boolean {
  return text.includes(' ') || text.includes('\n') || text.includes('\r') || text.includes('\t');
}

function countQuotes(text: string): number {
  let count = 0;
  for (let at = text.indexOf('"'); at !== -1; at = text.indexOf('"', at + 1)) count += 1;
  return count;
}

/** Colons right after a `"`; searching for the one character is faster than for the pair. */
function countQuotedColons(text: string): number {
  let count = 0;
  for (let at = text.indexOf(':'); at !== -1; at = text.indexOf(':', at + 1)) {
    if (text.charCodeAt(at - 1) === QUOTE) count += 1;
  }
  return count;
}

/**
 * Member names in `container` (at nesting `depth`), and string values with `values`, or -1 if it
 * nests too deep or names a member `__proto__` (the exact walk then says which). A container is
 * frozen after everything in it was, so a walk cut short never leaves a frozen object with
 * unfrozen contents ({@link deepFreeze} takes a frozen object as frozen throughout).
 */
function countStrings(container: object, depth: number, values: boolean): number {
  if (depth > MAX_JSON_DEPTH) return -1;
  let count = 0;
  if (Array.isArray(container)) {
    for (const element of container) {
      const inner = countValue(element, depth, values);
      if (inner < 0) return -1;
      count += inner;
    }
    Object.freeze(container);
    return count;
  }
  const members = container as Record<string, unknown>;
  for (const name in members) {
    if (!Object.hasOwn(members, name)) continue;
    if (name === PROTO) return -1;
    const inner = countValue(members[name], depth, values);
    if (inner < 0) return -1;
    count += 1 + inner;
  }
  Object.freeze(container);
  return count;
}

function countValue(value: unknown, depth: number, values: boolean): number {
  if (typeof value === 'string') return values ? 1 : 0;
  return typeof value === 'object' && value !== null ? countStrings(value, depth + 1, values) : 0;
}

/**
 * Walks text that JSON.parse has already accepted, so only strings and brackets need tracking:
 * a string right after `{` or after a `,` inside an object is a member name.
 */
function findStructuralProblem(text: string): string | undefined {
  const open: (Set<string> | null)[] = [];
  let expectName = false;
  // Where the next `\u` is (the text's length when none is left): only strings holding one can
  // spell a surrogate, so only they are decoded.
  let unicodeEscape = nextEscape(text, 0);
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      let end = index + 1;
      while (text.charCodeAt(end) !== QUOTE) end += text.charCodeAt(end) === BACKSLASH ? 2 : 1;
      if (unicodeEscape < index) unicodeEscape = nextEscape(text, index);
      // RFC 8259 §8.2: a lone surrogate is no Unicode text; parsers keep it, refuse it or replace
      // it with U+FFFD, so two readers would see two strings (and UTF-8 cannot carry it, BCP-7).
      if (unicodeEscape < end && LONE_SURROGATE.test(JSON.parse(text.slice(index, end + 1)) as string)) {
        return 'holds a string with a lone UTF-16 surrogate (spelled by an escape); expected text that UTF-8 can encode (RFC 8259 section 8.2)';
      }
      const names = open[open.length - 1];
      if (expectName && names) {
        const literal = text.slice(index, end + 1);
        const name = literal.includes('\\') ? (JSON.parse(literal) as string) : literal.slice(1, -1);
        if (names.has(name)) return 'repeats a member name';
        if (name === PROTO) return 'has a "__proto__" member, which is refused';
        names.add(name);
        expectName = false;
      }
      index = end;
    } else if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      open.push(code === OPEN_OBJECT ? new Set() : null);
      if (open.length > MAX_JSON_DEPTH) return `nests deeper than ${MAX_JSON_DEPTH} levels`;
      expectName = code === OPEN_OBJECT;
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      open.pop();
    } else if (code === COMMA) {
      expectName = open[open.length - 1] != null;
    }
  }
  return undefined;
}

function nextEscape(text: string, from: number): number {
  const at = text.indexOf('\\u', from);
  return at === -1 ? text.length : at;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
