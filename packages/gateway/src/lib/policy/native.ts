/**
 * The native policy format (YAML or JSON): `issuers`, then `routes` in order, the first match
 * winning. Every problem is collected with its field, so one start reports them all.
 */
import { compileHostPattern } from '../routing/host.js';
import { compilePathPattern } from '../routing/pattern.js';
import {
  checkKnownMembers,
  describeValue,
  isRecord,
  optionalString,
  optionalStringList,
  type PlainRecord,
} from './fields.js';
import type { FieldPath, IssueList } from './issues.js';
import type { PolicyDefinition, RouteAccess, RouteRule } from './model.js';
import { REQUIREMENT_FIELDS, readRequirements } from './requirements.js';
import { readSettings } from './settings.js';

const TOP_LEVEL = ['issuers', 'routes', 'realm', 'identityHeaders'];
const ROUTE_FIELDS = ['name', 'match', 'auth', 'issuer', 'issuers', ...REQUIREMENT_FIELDS];
const MATCH_FIELDS = ['host', 'path', 'methods'];
// RFC 9110 §9.1: a method is a token; policies name them in upper case, as requests carry them.
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Z-]+$/;

/** Reads a native policy document. Problems go to `issues`; the result is usable only without any. */
export function readNativePolicy(document: unknown, issues: IssueList): PolicyDefinition {
  if (!isRecord(document)) {
    issues.add([], `a policy is an object with issuers and routes; found ${describeValue(document)}`);
    return {
      realm: undefined,
      identityHeaders: readSettings({}, [], issues).identityHeaders,
      issuers: new Map(),
      routes: [],
      warnings: [],
    };
  }
  checkKnownMembers(document, TOP_LEVEL, [], issues);
  const settings = readSettings(document, [], issues);
  const routes: RouteRule[] = [];
  const list = document.routes;
  if (!Array.isArray(list) || list.length === 0) {
    issues.add(
      ['routes'],
      `must be a non-empty list of rules; found ${list === undefined ? 'nothing' : describeValue(list)}`,
    );
  } else {
    list.forEach((route, index) => {
      const rule = readRoute(route, ['routes', index], settings.issuers, issues);
      if (rule !== undefined) routes.push(rule);
    });
  }
  return { ...settings, routes, warnings: [] };
}

function readRoute(
  value: unknown,
  at: FieldPath,
  issuers: ReadonlyMap<string, unknown>,
  issues: IssueList,
): RouteRule | undefined {
  if (!isRecord(value)) {
    issues.add(at, `must be a rule { match, issuer, scopes, ... }; found ${describeValue(value)}`);
    return undefined;
  }
  checkKnownMembers(value, ROUTE_FIELDS, at, issues);
  const name = optionalString(value, 'name', at, issues);
  const match = readMatch(value.match, [...at, 'match'], issues);
  const access = readAccess(value, at, issuers, issues);
  if (match === undefined || access === undefined) return undefined;
  const methods = match.methods === undefined ? '*' : [...match.methods].join(',');
  return { label: name ?? `${methods} ${match.host?.source ?? ''}${match.path.source}`, ...match, access };
}

function readMatch(value: unknown, at: FieldPath, issues: IssueList) {
  if (!isRecord(value)) {
    issues.add(
      at,
      `must be { path, host?, methods? }; found ${value === undefined ? 'nothing' : describeValue(value)}`,
    );
    return undefined;
  }
  checkKnownMembers(value, MATCH_FIELDS, at, issues);
  const pathSource = optionalString(value, 'path', at, issues);
  if (pathSource === undefined && value.path === undefined)
    issues.add([...at, 'path'], 'is required, e.g. /orders/**');
  const path = pathSource === undefined ? undefined : compilePathPattern(pathSource);
  if (typeof path === 'string') issues.add([...at, 'path'], path);
  const hostSource = optionalString(value, 'host', at, issues);
  const host = hostSource === undefined ? undefined : compileHostPattern(hostSource);
  if (typeof host === 'string') issues.add([...at, 'host'], host);
  const methods = optionalStringList(value, 'methods', at, issues);
  methods?.forEach((method, index) => {
    if (!METHOD.test(method))
      issues.add(
        [...at, 'methods', index],
        `must be an upper-case method such as GET; found ${describeValue(method)}`,
      );
  });
  if (path === undefined || typeof path === 'string' || typeof host === 'string') return undefined;
  return { path, host, methods: methods === undefined ? undefined : new Set(methods) };
}

function readAccess(
  route: PlainRecord,
  at: FieldPath,
  issuers: ReadonlyMap<string, unknown>,
  issues: IssueList,
): RouteAccess | undefined {
  if (route.auth !== undefined && route.auth !== 'none' && route.auth !== 'required') {
    issues.add(
      [...at, 'auth'],
      `must be "none" or "required" (the default); found ${describeValue(route.auth)}`,
    );
    return undefined;
  }
  if (route.auth === 'none') {
    const extra = ['issuer', 'issuers', ...REQUIREMENT_FIELDS].filter((field) => route[field] !== undefined);
    for (const field of extra)
      issues.add([...at, field], 'has no meaning with auth: none (no token is checked)');
    return extra.length === 0 ? { kind: 'none' } : undefined;
  }
  const names = readIssuerNames(route, at, issuers, issues);
  const requirements = readRequirements(route, at, issues);
  if (names === undefined || requirements === undefined) return undefined;
  return { kind: 'token', alternatives: [{ issuers: names, requirements, at }] };
}

function readIssuerNames(
  route: PlainRecord,
  at: FieldPath,
  issuers: ReadonlyMap<string, unknown>,
  issues: IssueList,
): string[] | undefined {
  if (route.issuer !== undefined && route.issuers !== undefined) {
    issues.add([...at, 'issuers'], 'give issuer or issuers, not both');
    return undefined;
  }
  const field = route.issuers !== undefined ? 'issuers' : 'issuer';
  const names =
    field === 'issuers'
      ? optionalStringList(route, 'issuers', at, issues)
      : [optionalString(route, 'issuer', at, issues)].filter((name) => name !== undefined);
  if (names === undefined) return undefined;
  if (names.length === 0) {
    if (route.issuer === undefined)
      issues.add([...at, 'issuer'], 'is required (or auth: none for a public route)');
    return undefined;
  }
  const unknown = names.filter((name) => !issuers.has(name));
  for (const name of unknown) {
    const known = [...issuers.keys()].join(', ') || 'none';
    issues.add([...at, field], `names the issuer "${name}", which is not under issuers (known: ${known})`);
  }
  if (new Set(names).size !== names.length) issues.add([...at, field], 'names an issuer twice');
  return unknown.length === 0 ? [...new Set(names)] : undefined;
}
