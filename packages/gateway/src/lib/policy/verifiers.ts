/**
 * One core verifier per set of issuers a rule trusts. A rule naming one issuer gets that issuer's
 * verifier; a rule naming several gets one verifier trusting them all (core's `issuers` option),
 * which checks each token only against the keys of the issuer it names.
 */
import {
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  createAccessTokenVerifier,
  type DpopOptions,
  type EventHandler,
  isTokenwardError,
  type ReplayStore,
} from '@tokenward/core';
import { coreMessage, type FieldPath, type IssueList } from './issues.js';
import type { IssuerEntry, PolicyDefinition } from './model.js';

/** Per-issuer options of core (`IssuerOptions`); every other option is verifier-wide. */
const ISSUER_FIELDS = ['issuer', 'audience', 'jwksUri', 'allowedJwksOrigins', 'algorithms'];

/** What the gateway adds to every verifier's options: its event handler, replay store and, in tests, a clock. */
export interface VerifierHooks {
  readonly onEvent: EventHandler;
  /** Core's `clock` (epoch ms); absent: the real time. */
  readonly clock?: (() => number) | undefined;
  /** The `dpop.replayStore` of every verifier taking DPoP; absent: core's own, one per verifier. */
  readonly replayStore?: ReplayStore | undefined;
}

/** A verifier and the canonical form of its options, so a reload can keep one that did not change. */
export interface VerifierSlot {
  /** The policy issuer names it trusts. */
  readonly names: readonly string[];
  readonly verifier: AccessTokenVerifier;
  readonly optionsKey: string;
}

/** Key of the verifier for a set of issuer names. */
export function verifierKey(names: readonly string[]): string {
  return [...names].sort().join('\n');
}

/**
 * Makes the verifiers `definition` needs, checking every issuer's options through core (problems
 * go to `issues` at the issuer's line). Verifiers of `previous` with identical options are kept,
 * key caches and all.
 */
export function buildVerifiers(
  definition: PolicyDefinition,
  hooks: VerifierHooks,
  issues: IssueList,
  previous: ReadonlyMap<string, VerifierSlot> = new Map(),
): Map<string, VerifierSlot> {
  const slots = new Map<string, VerifierSlot>();
  const realm = definition.realm === undefined ? {} : { realm: definition.realm };
  for (const [name, entry] of definition.issuers) {
    // Checked even when no rule uses it: a typo in an unused issuer is still a typo.
    const options = { ...realm, ...entry.options } as unknown as AccessTokenVerifierOptions;
    const verifier = construct(options, hooks, entry.at, issues, previous.get(verifierKey([name])));
    if (verifier !== undefined) slots.set(verifierKey([name]), { names: [name], ...verifier });
  }
  if (issues.size > 0) return slots;
  for (const rule of definition.routes) {
    if (rule.access.kind !== 'token') continue;
    for (const alternative of rule.access.alternatives) {
      const key = verifierKey(alternative.issuers);
      if (slots.has(key)) continue;
      const entries = alternative.issuers.map((name) => definition.issuers.get(name)!);
      const options = combine(entries, realm, alternative.at, issues);
      if (options === undefined) continue;
      const verifier = construct(options, hooks, alternative.at, issues, previous.get(key));
      if (verifier !== undefined) slots.set(key, { names: alternative.issuers, ...verifier });
    }
  }
  // Only the verifiers rules use stay: an unused issuer is never fetched.
  const used = new Set(
    definition.routes.flatMap((rule) =>
      rule.access.kind === 'token' ? rule.access.alternatives.map((alt) => verifierKey(alt.issuers)) : [],
    ),
  );
  for (const key of slots.keys()) if (!used.has(key)) slots.delete(key);
  return slots;
}

function construct(
  options: AccessTokenVerifierOptions,
  { onEvent, clock, replayStore }: VerifierHooks,
  at: FieldPath,
  issues: IssueList,
  previous: VerifierSlot | undefined,
): Omit<VerifierSlot, 'names'> | undefined {
  const optionsKey = canonicalJson(options);
  if (previous !== undefined && previous.optionsKey === optionsKey) return previous;
  try {
    return {
      verifier: createAccessTokenVerifier({
        ...options,
        ...withReplayStore(options.dpop, replayStore),
        onEvent,
        ...(clock === undefined ? {} : { clock }),
      }),
      optionsKey,
    };
  } catch (error) {
    if (!isTokenwardError(error)) throw error;
    // Core names the option in backquotes; point at its line when the entry has it.
    const option = /`([A-Za-z]+)`/.exec(error.message)?.[1];
    const path = option !== undefined && option in options ? [...at, option] : at;
    issues.add(path, coreMessage(error.message));
    return undefined;
  }
}

/**
 * One store burns every proof, whichever verifier (and policy generation) checked it: a proof is
 * accepted once (RFC 9449 section 11.1) only if every verifier that could see it asks the same
 * store. Core's keys need no issuer prefix: they are the proof key's thumbprint and a hash of the
 * target URI and `jti`, which name one proof whatever the issuer. A `dpop` value that is not an
 * object, or that names its own `replayStore`, is left for core to refuse.
 */
function withReplayStore(dpop: unknown, replayStore: ReplayStore | undefined): { dpop?: DpopOptions } {
  if (replayStore === undefined || typeof dpop !== 'object' || dpop === null || Array.isArray(dpop))
    return {};
  return { dpop: { replayStore, ...(dpop as DpopOptions) } };
}

/** Core's multi-issuer options for several entries, which must agree on verifier-wide settings. */
function combine(
  entries: readonly IssuerEntry[],
  realm: object,
  at: FieldPath,
  issues: IssueList,
): AccessTokenVerifierOptions | undefined {
  const split = entries.map((entry) => {
    const issuer: Record<string, unknown> = {};
    const settings: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(entry.options)) {
      (ISSUER_FIELDS.includes(name) ? issuer : settings)[name] = value;
    }
    return { issuer, settings };
  });
  const settings = split[0]!.settings;
  if (split.some((part) => canonicalJson(part.settings) !== canonicalJson(settings))) {
    issues.add(
      [...at, 'issuers'],
      'these issuers share one verifier, so their settings other than issuer, audience, jwksUri, ' +
        'allowedJwksOrigins and algorithms must be the same',
    );
    return undefined;
  }
  return {
    ...realm,
    ...settings,
    issuers: split.map((part) => part.issuer),
  } as unknown as AccessTokenVerifierOptions;
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) =>
    typeof member === 'object' && member !== null && !Array.isArray(member)
      ? Object.fromEntries(Object.entries(member).sort(([a], [b]) => (a < b ? -1 : 1)))
      : member,
  );
}
