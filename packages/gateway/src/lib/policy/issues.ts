/**
 * Problems found in a policy file, each tied to the field and the line it comes from, so a
 * failed start or reload says `policy.yaml:14: routes[2].match.path: must start with "/"`.
 */

/** Where a value sits in the policy document: member names and list indexes. */
export type FieldPath = readonly (string | number)[];

/** One problem in a policy: the field it concerns and what is wrong. */
export interface PolicyIssue {
  readonly path: FieldPath;
  readonly message: string;
}

/** `routes[2].match.path` for `['routes', 2, 'match', 'path']`. */
export function fieldName(path: FieldPath): string {
  let name = '';
  for (const part of path) {
    if (typeof part === 'number') name += `[${part}]`;
    else name += name === '' ? part : `.${part}`;
  }
  return name === '' ? '(document)' : name;
}

/** A policy that cannot be used; `issues` are formatted lines, `file:line: field: problem`. */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  readonly issues: readonly string[];

  constructor(file: string, issues: readonly string[]) {
    const count = issues.length === 1 ? 'a problem' : `${issues.length} problems`;
    super(`the policy ${file} has ${count}:\n${issues.map((issue) => `  ${issue}`).join('\n')}`);
    this.issues = issues;
  }
}

/** Collects issues while a policy is read, so one run reports all of them at once. */
export class IssueList {
  private readonly found: PolicyIssue[] = [];

  add(path: FieldPath, message: string): void {
    this.found.push({ path, message });
  }

  get size(): number {
    return this.found.length;
  }

  [Symbol.iterator](): Iterator<PolicyIssue> {
    return this.found[Symbol.iterator]();
  }
}

/** A message of core's `ERR_CONFIG` without its "tokenward: " lead, which a policy line does not need. */
export function coreMessage(message: string): string {
  return message.replace(/^tokenward: /, '');
}
