/**
 * Reads a policy file (YAML 1.2, which JSON is a subset of) into plain values, keeping the source
 * positions so every later problem can name its line.
 */
import { readFile } from 'node:fs/promises';
import { type Document, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { type FieldPath, fieldName, type IssueList, PolicyError } from './issues.js';

/** A parsed policy document and the way back from a field to its line. */
export interface PolicySource {
  /** The file as named on the command line or in options. */
  readonly file: string;
  readonly value: unknown;
  /** `file:line` of the field, or of its nearest enclosing field when it is absent. */
  locate(path: FieldPath): string;
  /** Throws a {@link PolicyError} listing every issue, when there are any. */
  throwIfAny(issues: IssueList): void;
}

/** Largest policy file read, in bytes: a policy is configuration, not data. */
export const MAX_POLICY_BYTES = 4 * 1024 * 1024;

/** Reads and parses `file`; throws {@link PolicyError} when it cannot be read or parsed. */
export async function readPolicySource(file: string): Promise<PolicySource> {
  let text: string;
  try {
    const bytes = await readFile(file);
    if (bytes.length > MAX_POLICY_BYTES) {
      throw new PolicyError(file, [`${file}: larger than ${MAX_POLICY_BYTES} bytes`]);
    }
    text = bytes.toString('utf8');
  } catch (error) {
    if (error instanceof PolicyError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code);
    throw new PolicyError(file, [`${file}: cannot be read (${why})`]);
  }
  return parsePolicyText(file, text);
}

/** Parses policy text already in memory (`file` names it in messages). */
export function parsePolicyText(file: string, text: string): PolicySource {
  const lineCounter = new LineCounter();
  // uniqueKeys: a member given twice is a mistake, not "the last one wins".
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new PolicyError(
      file,
      document.errors.map((error) => {
        const line = error.linePos?.[0].line ?? lineCounter.linePos(error.pos[0]).line;
        return `${file}:${line}: not valid YAML or JSON: ${error.message.split('\n')[0]}`;
      }),
    );
  }
  const value: unknown = document.toJS({ maxAliasCount: 100 });
  const locate = (path: FieldPath): string => `${file}:${lineOf(document, lineCounter, path)}`;
  return {
    file,
    value,
    locate,
    throwIfAny(issues) {
      if (issues.size === 0) return;
      throw new PolicyError(
        file,
        [...issues].map((issue) => `${locate(issue.path)}: ${fieldName(issue.path)}: ${issue.message}`),
      );
    },
  };
}

/** The line of the field's key (of the item, in a list), else of its nearest enclosing field. */
function lineOf(document: Document, lineCounter: LineCounter, path: FieldPath): number {
  for (let length = path.length; length > 0; length -= 1) {
    const parent = length === 1 ? document.contents : document.getIn(path.slice(0, length - 1), true);
    const last = path[length - 1];
    let node: unknown;
    if (isMap(parent)) node = parent.items.find((pair) => isScalar(pair.key) && pair.key.value === last)?.key;
    else if (isSeq(parent) && typeof last === 'number') node = parent.items[last];
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range !== undefined) return lineCounter.linePos(range[0]).line;
  }
  return 1;
}

/** A policy given as a value (the library's `startGateway({ policy: {...} })`): no lines to name. */
export function policySourceOfValue(value: unknown): PolicySource {
  const file = '(policy object)';
  return {
    file,
    value,
    locate: () => file,
    throwIfAny(issues) {
      if (issues.size === 0) return;
      throw new PolicyError(
        file,
        [...issues].map((issue) => `${fieldName(issue.path)}: ${issue.message}`),
      );
    },
  };
}
