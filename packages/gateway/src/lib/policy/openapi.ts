/**
 * An OpenAPI 3.0/3.1 document as a policy: each operation becomes a rule whose alternatives are
 * its `security` requirements (OpenAPI: a list of alternatives, each an AND of schemes with
 * scopes). The issuers live in the document's `x-tokenward` extension, named after the OAuth
 * security schemes they back. Operations without security are reported and left unrouted, so
 * they are refused (deny by default).
 */
import { compilePathPattern } from '../routing/pattern.js';
import { describeValue, isRecord, type PlainRecord } from './fields.js';
import type { FieldPath, IssueList } from './issues.js';
import type { PolicyDefinition, RouteRule, TokenAlternative } from './model.js';
import { readRequirements } from './requirements.js';
import { readSettings } from './settings.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const TOKEN_SCHEMES = new Set(['oauth2', 'openIdConnect']);

/** True for a document that declares itself OpenAPI (`openapi: 3.x`). */
export function isOpenApiDocument(document: unknown): boolean {
  return isRecord(document) && (document.openapi !== undefined || document.swagger !== undefined);
}

/** Reads an OpenAPI document as a policy. Problems go to `issues`; warnings into the result. */
export function readOpenApiPolicy(document: PlainRecord, issues: IssueList): PolicyDefinition {
  const warnings: string[] = [];
  if (document.swagger !== undefined) {
    issues.add(['swagger'], 'OpenAPI 2 (Swagger) documents are not read: convert the document to OpenAPI 3');
    return {
      realm: undefined,
      identityHeaders: readSettings({}, [], issues).identityHeaders,
      issuers: new Map(),
      routes: [],
      warnings,
    };
  }
  if (typeof document.openapi !== 'string' || !/^3\.[01]\.\d+$/.test(document.openapi)) {
    issues.add(
      ['openapi'],
      `OpenAPI 3.0 and 3.1 documents are read; found ${describeValue(document.openapi)}`,
    );
  }
  const extension = document['x-tokenward'];
  if (!isRecord(extension)) {
    issues.add(
      ['x-tokenward'],
      'an OpenAPI policy needs x-tokenward: { issuers: { <security scheme>: { issuer, audience } } }',
    );
  }
  const settings = readSettings(isRecord(extension) ? extension : {}, ['x-tokenward'], issues);
  const schemes = tokenSchemes(document, settings.issuers, issues);
  const basePath = readBasePath(document, warnings);
  const rules: RouteRule[] = [];
  const paths = document.paths;
  if (!isRecord(paths)) issues.add(['paths'], `must map paths to operations; found ${describeValue(paths)}`);
  for (const [template, item] of Object.entries(isRecord(paths) ? paths : {})) {
    if (!isRecord(item)) continue;
    const pattern = compilePathPattern(
      `${basePath}${template.replace(/\{[^}/]*\}[^/]*|[^/]*\{[^}/]*\}/g, '*')}`,
    );
    if (typeof pattern === 'string') {
      issues.add(['paths', template], pattern);
      continue;
    }
    for (const method of METHODS) {
      const operation = item[method];
      if (!isRecord(operation)) continue;
      const at: FieldPath = ['paths', template, method];
      const name = `${method.toUpperCase()} ${template}`;
      const security = operation.security ?? document.security;
      const access = readSecurity(security, at, name, schemes, issues, warnings);
      if (access === undefined) continue;
      const label = typeof operation.operationId === 'string' ? operation.operationId : name;
      rules.push({ label, host: undefined, path: pattern, methods: new Set([method.toUpperCase()]), access });
    }
  }
  return { ...settings, routes: sortConcreteFirst(rules), warnings };
}

/** OAuth security scheme name → the policy issuer backing it. */
function tokenSchemes(document: PlainRecord, issuers: ReadonlyMap<string, unknown>, issues: IssueList) {
  const schemes = new Map<string, string | undefined>();
  const components = isRecord(document.components) ? document.components : {};
  const declared = isRecord(components.securitySchemes) ? components.securitySchemes : {};
  for (const [name, scheme] of Object.entries(declared)) {
    if (!isRecord(scheme) || !TOKEN_SCHEMES.has(String(scheme.type))) {
      schemes.set(name, undefined);
      continue;
    }
    const issuer = typeof scheme['x-tokenward-issuer'] === 'string' ? scheme['x-tokenward-issuer'] : name;
    if (!issuers.has(issuer)) {
      issues.add(
        ['components', 'securitySchemes', name],
        `no issuer "${issuer}" under x-tokenward.issuers backs this scheme`,
      );
    }
    schemes.set(name, issuer);
  }
  return schemes;
}

function readSecurity(
  security: unknown,
  at: FieldPath,
  name: string,
  schemes: ReadonlyMap<string, string | undefined>,
  issues: IssueList,
  warnings: string[],
): RuleAccess | undefined {
  if (security === undefined) {
    warnings.push(`${name} has no security requirement: not routed, so it is refused`);
    return undefined;
  }
  if (!Array.isArray(security)) {
    issues.add(
      [...at, 'security'],
      `must be a list of security requirements; found ${describeValue(security)}`,
    );
    return undefined;
  }
  if (
    security.length === 0 ||
    security.some((requirement) => isRecord(requirement) && Object.keys(requirement).length === 0)
  ) {
    warnings.push(
      `${name} declares anonymous access (an empty security requirement): routed with auth: none`,
    );
    return { kind: 'none' };
  }
  const alternatives: TokenAlternative[] = [];
  security.forEach((requirement, index) => {
    const alternative = readAlternative(
      requirement,
      [...at, 'security', index],
      name,
      schemes,
      issues,
      warnings,
    );
    if (alternative !== undefined) alternatives.push(alternative);
  });
  if (alternatives.length > 0) return { kind: 'token', alternatives };
  warnings.push(
    `${name} has no OAuth security requirement the gateway can check: not routed, so it is refused`,
  );
  return undefined;
}

type RuleAccess = RouteRule['access'];

function readAlternative(
  requirement: unknown,
  at: FieldPath,
  name: string,
  schemes: ReadonlyMap<string, string | undefined>,
  issues: IssueList,
  warnings: string[],
): TokenAlternative | undefined {
  if (!isRecord(requirement)) {
    issues.add(at, `must map security schemes to scopes; found ${describeValue(requirement)}`);
    return undefined;
  }
  const entries = Object.entries(requirement);
  const unknown = entries.filter(([scheme]) => !schemes.has(scheme));
  for (const [scheme] of unknown)
    issues.add([...at, scheme], `names no scheme under components.securitySchemes`);
  if (unknown.length > 0) return undefined;
  if (entries.length !== 1 || schemes.get(entries[0]![0]) === undefined) {
    // Another scheme (API key, Basic) or two schemes at once: not something one bearer token proves.
    warnings.push(
      `${name}: the alternative ${entries.map(([scheme]) => scheme).join(' + ')} is not one OAuth scheme; skipped`,
    );
    return undefined;
  }
  const [scheme, scopes] = entries[0]!;
  const requirements = readRequirements(
    Array.isArray(scopes) && scopes.length > 0 ? { scopes } : {},
    [...at, scheme],
    issues,
  );
  if (requirements === undefined) return undefined;
  return { issuers: [schemes.get(scheme)!], requirements, at };
}

/** The path of the first server URL (`https://api.example.com/v1` → `/v1`), or none. */
function readBasePath(document: PlainRecord, warnings: string[]): string {
  const servers = document.servers;
  const first = Array.isArray(servers) && isRecord(servers[0]) ? servers[0].url : undefined;
  if (typeof first !== 'string') return '';
  if (first.includes('{')) {
    warnings.push(`servers[0].url has variables: paths are matched without a base path`);
    return '';
  }
  const path = new URL(first, 'http://base.invalid').pathname.replace(/\/+$/, '');
  return path;
}

/** OpenAPI matches concrete paths before templated ones: `/pets/mine` before `/pets/{id}`. */
function sortConcreteFirst(rules: RouteRule[]): RouteRule[] {
  const rank = (rule: RouteRule) =>
    rule.path.segments.map((segment) => (segment === '*' ? '1' : '0')).join('');
  return rules
    .map((rule, index) => ({ rule, index, rank: rank(rule) }))
    .sort((a, b) => (a.rank === b.rank ? a.index - b.index : a.rank < b.rank ? -1 : 1))
    .map((entry) => entry.rule);
}
