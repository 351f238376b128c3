/**
 * Loading a policy: read the file, check it in the format it is written in (native or OpenAPI),
 * and make the verifiers its rules need. Nothing is fetched here; see `warmPolicy`.
 */
import { dirname } from 'node:path';
import type { EventHandler, ReplayStore } from '@tokenward/core';
import { resolveCredentials } from './credentials.js';
import { IssueList } from './issues.js';
import type { PolicyDefinition, RouteRule } from './model.js';
import { readNativePolicy } from './native.js';
import { isOpenApiDocument, readOpenApiPolicy } from './openapi.js';
import { type PolicySource, policySourceOfValue, readPolicySource } from './source.js';
import { buildVerifiers, type VerifierSlot, verifierKey } from './verifiers.js';

/** A rule with its alternatives' verifiers resolved. */
export interface LoadedRule extends RouteRule {
  readonly verifiers: readonly VerifierSlot[];
}

/** A policy ready to decide with. */
export interface LoadedPolicy {
  /** The file it was read from, or `(policy object)`. */
  readonly source: string;
  readonly definition: PolicyDefinition;
  readonly rules: readonly LoadedRule[];
  readonly verifiers: ReadonlyMap<string, VerifierSlot>;
  readonly warnings: readonly string[];
}

/** Where a policy comes from: a file path (YAML or JSON, native or OpenAPI) or the document itself. */
export type PolicyInput = string | Readonly<Record<string, unknown>>;

export interface LoadPolicyOptions {
  /** Receives the verifiers' events (metrics, logs). */
  readonly onEvent: EventHandler;
  /** The verifiers' clock (epoch ms); absent: the real time. */
  readonly clock?: (() => number) | undefined;
  /** Where every verifier taking DPoP burns proofs; absent: core's own store, one per verifier. */
  readonly replayStore?: ReplayStore | undefined;
  /** The policy in use, whose unchanged verifiers (and their key caches) are kept. */
  readonly previous?: LoadedPolicy;
  /** Where `{ env: NAME }` credential references are read. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Reads and checks a policy; throws `PolicyError` listing every problem with its line. */
export async function loadPolicy(input: PolicyInput, options: LoadPolicyOptions): Promise<LoadedPolicy> {
  const source = typeof input === 'string' ? await readPolicySource(input) : policySourceOfValue(input);
  // A relative `{ file: PATH }` is the policy file's neighbour; a policy object's is the working folder's.
  const base = typeof input === 'string' ? dirname(input) : process.cwd();
  return compilePolicy(source, base, options);
}

function compilePolicy(source: PolicySource, base: string, options: LoadPolicyOptions): LoadedPolicy {
  const issues = new IssueList();
  const document = source.value;
  const written = isOpenApiDocument(document)
    ? readOpenApiPolicy(document as Record<string, unknown>, issues)
    : readNativePolicy(document, issues);
  const definition = resolveCredentials(written, { env: options.env ?? process.env, base }, issues);
  source.throwIfAny(issues);
  const hooks = { onEvent: options.onEvent, clock: options.clock, replayStore: options.replayStore };
  const verifiers = buildVerifiers(definition, hooks, issues, options.previous?.verifiers);
  source.throwIfAny(issues);
  const rules = definition.routes.map((rule) => ({
    ...rule,
    verifiers:
      rule.access.kind === 'token'
        ? rule.access.alternatives.map((alternative) => verifiers.get(verifierKey(alternative.issuers))!)
        : [],
  }));
  return { source: source.file, definition, rules, verifiers, warnings: definition.warnings };
}
