/**
 * Introspection credentials named by reference: a policy lives in git and config maps, so its
 * issuer entries may say where a client secret or private key is, `{ env: NAME }` or
 * `{ file: PATH }`, instead of holding it. References are read each time the policy loads (start
 * and every reload). Messages name the field and the variable or file, never what they hold.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { isRecord, type PlainRecord } from './fields.js';
import type { FieldPath, IssueList } from './issues.js';
import type { IssuerEntry, PolicyDefinition } from './model.js';

/** Where references are read from. */
export interface CredentialSources {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The folder a relative `file` is read from: the policy file's. */
  readonly base: string;
}

/** Largest credential file read, in bytes: a secret or a JWK, not data. */
export const MAX_CREDENTIAL_BYTES = 64 * 1024;

const REFERENCE_SHAPE = '{ env: NAME } or { file: PATH }';

/** `definition` with every credential reference of its issuers replaced by what it names. */
export function resolveCredentials(
  definition: PolicyDefinition,
  sources: CredentialSources,
  issues: IssueList,
): PolicyDefinition {
  const issuers = new Map<string, IssuerEntry>();
  for (const [name, entry] of definition.issuers) {
    issuers.set(name, { ...entry, options: resolveEntry(entry, sources, issues) });
  }
  return { ...definition, issuers };
}

function resolveEntry(entry: IssuerEntry, sources: CredentialSources, issues: IssueList): PlainRecord {
  const introspection = entry.options.introspection;
  if (!isRecord(introspection)) return entry.options;
  const at = [...entry.at, 'introspection'];
  const client = resolveClient(introspection, at, sources, issues);
  const orgServer = client.orgServer;
  return {
    ...entry.options,
    introspection: isRecord(orgServer)
      ? { ...client, orgServer: resolveClient(orgServer, [...at, 'orgServer'], sources, issues) }
      : client,
  };
}

/** Core's client members (`IntrospectionClient`), with `clientSecret` and `privateKey` resolved. */
function resolveClient(
  client: PlainRecord,
  at: FieldPath,
  sources: CredentialSources,
  issues: IssueList,
): PlainRecord {
  const resolved: Record<string, unknown> = { ...client };
  // A secret is a string, so any object is a reference; a private key is an inline JWK unless it
  // names `env` or `file`, names RFC 7517 section 4 does not register for a JWK.
  const secret = client.clientSecret;
  if (isRecord(secret)) {
    resolved.clientSecret = readReference(secret, [...at, 'clientSecret'], sources, issues);
  }
  const key = client.privateKey;
  if (isRecord(key) && ('env' in key || 'file' in key)) {
    const fieldAt = [...at, 'privateKey'];
    const text = readReference(key, fieldAt, sources, issues);
    resolved.privateKey = text === undefined ? undefined : parseJwk(text, key, fieldAt, issues);
  }
  return resolved;
}

/** The text a reference names, or `undefined` with the problem reported. */
function readReference(
  reference: PlainRecord,
  at: FieldPath,
  sources: CredentialSources,
  issues: IssueList,
): string | undefined {
  const names = Object.keys(reference);
  const kind = names[0];
  const target = kind === undefined ? undefined : reference[kind];
  if (
    names.length !== 1 ||
    (kind !== 'env' && kind !== 'file') ||
    typeof target !== 'string' ||
    target === ''
  ) {
    issues.add(at, `a reference is ${REFERENCE_SHAPE}, with one non-empty name`);
    return undefined;
  }
  if (kind === 'env') {
    const value = sources.env[target];
    if (value !== undefined && value !== '') return value;
    issues.add(at, `the environment variable ${target} is ${value === undefined ? 'not set' : 'empty'}`);
    return undefined;
  }
  return readCredentialFile(resolve(sources.base, target), target, at, issues);
}

function readCredentialFile(
  path: string,
  named: string,
  at: FieldPath,
  issues: IssueList,
): string | undefined {
  let text: string;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) {
      issues.add(at, `the file ${named} cannot be read (not a regular file)`);
      return undefined;
    }
    if (stat.size > MAX_CREDENTIAL_BYTES) {
      issues.add(at, `the file ${named} is larger than ${MAX_CREDENTIAL_BYTES} bytes`);
      return undefined;
    }
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code);
    issues.add(at, `the file ${named} cannot be read (${why})`);
    return undefined;
  }
  // `echo secret > file` and most secret tooling end the file with a line break the secret lacks.
  const value = text.replace(/[\r\n]+$/, '');
  if (value === '') {
    issues.add(at, `the file ${named} is empty`);
    return undefined;
  }
  return value;
}

/** A private key read from a reference is a JWK in JSON; core checks the key itself. */
function parseJwk(text: string, reference: PlainRecord, at: FieldPath, issues: IssueList): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text it failed on: it must not reach a log.
    value = undefined;
  }
  if (isRecord(value)) return value;
  const source =
    reference.env === undefined
      ? `the file ${String(reference.file)}`
      : `the environment variable ${String(reference.env)}`;
  issues.add(at, `${source} does not hold a private JWK in JSON`);
  return undefined;
}
