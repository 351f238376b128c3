/**
 * The per-issuer part of the options: issuer URL rules (https, not an org server), audience,
 * `jwksUri` origin, algorithm allow-list. Throws `ERR_CONFIG` naming the option.
 */
import { DEFAULTS } from '../../defaults.js';
import { classifyIssuer, parseIssuer } from '../../issuer.js';
import type { AuthorizationServerInfo } from '../../types.js';
import { SUPPORTED_ALGORITHMS } from '../jose/algorithms.js';
import { fetchableUrlProblem, originOf } from '../keys/origin.js';
import {
  boolean,
  configError,
  found,
  isPlainObject,
  nonEmptyString,
  optional,
  rejectUnknownNames,
  stringList,
  stringOrStringList,
} from './option-checks.js';

export interface ResolvedIssuer {
  readonly issuer: string;
  readonly origin: string;
  readonly audiences: readonly string[];
  readonly jwksUri: string | undefined;
  readonly allowedJwksOrigins: readonly string[];
  readonly algorithms: readonly string[];
  readonly server: AuthorizationServerInfo;
  /** Discovery and keys may come over plain http from any host (the issuer's explicit opt-in). */
  readonly allowInsecureHttp: boolean;
  /** Seconds from `iat` to `exp` a token may span, or `undefined` for no limit. */
  readonly maxTokenLifetime: number | undefined;
}

export const ISSUER_OPTION_NAMES = [
  'issuer',
  'audience',
  'jwksUri',
  'allowedJwksOrigins',
  'algorithms',
  'allowInsecureHttp',
] as const;
const PER_ISSUER_NAMES: ReadonlySet<string> = new Set(ISSUER_OPTION_NAMES);

export interface IssuerDefaults {
  readonly algorithms: readonly string[];
  readonly allowedJwksOrigins: readonly string[];
  readonly orgServerRules: boolean;
  /** The `maxTokenLifetime` option: seconds, `false` for none, `undefined` for the default. */
  readonly maxTokenLifetime: number | false | undefined;
  /** The canonical `resource` option: the audience when an issuer names none. */
  readonly resource: string | undefined;
}

export function issuerList(value: unknown, defaults: IssuerDefaults): ResolvedIssuer[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw configError(`\`issuers\` must be a non-empty array of { issuer, audience }; found ${found(value)}`);
  }
  const seen = new Set<string>();
  return value.map((entry: unknown, index) => {
    const where = `issuers[${index}].`;
    if (!isPlainObject(entry))
      throw configError(`\`issuers[${index}]\` must be an object; found ${found(entry)}`);
    rejectUnknownNames(entry, PER_ISSUER_NAMES, where);
    const resolved = resolveIssuer(entry, where, defaults);
    if (seen.has(resolved.issuer))
      throw configError(`\`${where}issuer\` ${found(resolved.issuer)} is listed twice`);
    seen.add(resolved.issuer);
    return resolved;
  });
}

export function resolveIssuer(
  entry: Record<string, unknown>,
  where: string,
  defaults: IssuerDefaults,
): ResolvedIssuer {
  const issuer = nonEmptyString(entry.issuer, `${where}issuer`);
  const parsed = parseIssuer(issuer);
  const allowInsecureHttp = optional(entry.allowInsecureHttp, false, (value) =>
    boolean(value, `${where}allowInsecureHttp`),
  );
  const problem = fetchableUrlProblem(issuer, allowInsecureHttp) ?? issuerShapeProblem(issuer);
  if (problem !== undefined) throw configError(`\`${where}issuer\` ${problem}; found ${found(issuer)}`);
  if (parsed.kind === 'org' && defaults.orgServerRules) {
    throw configError(
      `\`${where}issuer\` ${found(issuer)} is the org authorization server: its access tokens are for the ` +
        `vendor's own APIs, not yours. Use a custom authorization server such as "${parsed.origin}/oauth2/default" ` +
        "(or set `orgServerRules: false` if your vendor's issuers are bare origins)",
    );
  }
  const audiences = audienceOf(entry.audience, where, defaults.resource);
  const allowedJwksOrigins =
    entry.allowedJwksOrigins === undefined
      ? defaults.allowedJwksOrigins
      : originList(entry.allowedJwksOrigins, `${where}allowedJwksOrigins`);
  return {
    issuer,
    origin: parsed.origin,
    audiences,
    jwksUri: optional(entry.jwksUri, undefined, (value) =>
      jwksUri(value, `${where}jwksUri`, parsed.origin, allowedJwksOrigins, allowInsecureHttp),
    ),
    allowInsecureHttp,
    allowedJwksOrigins,
    algorithms: optional(entry.algorithms, defaults.algorithms, (value) =>
      algorithmList(value, `${where}algorithms`),
    ),
    server: Object.freeze(
      parsed.kind === 'custom' ? { kind: 'custom', id: parsed.id, issuer } : { kind: 'other', issuer },
    ),
    maxTokenLifetime: lifetimeLimit(defaults.maxTokenLifetime, parsed.kind === 'custom'),
  };
}

/**
 * Mistakes that make an issuer URL a different string from the one the server puts in `iss`:
 * a pasted discovery address, or a custom server's issuer with a trailing slash (the vendor's
 * issuers have none, and `iss` is compared exactly).
 */
function issuerShapeProblem(issuer: string): string | undefined {
  const path = new URL(issuer).pathname;
  if (path.includes('/.well-known/')) {
    return `is a discovery address; give the issuer itself, the part before "/.well-known/" (${issuer.slice(0, issuer.indexOf('/.well-known/'))})`;
  }
  if (issuer.endsWith('/') && classifyIssuer(issuer.slice(0, -1))?.kind === 'custom') {
    return 'ends with "/", which the issuer of a custom authorization server never does (tokens would be refused for their exact "iss")';
  }
  return undefined;
}

/** The lifetime limit of one issuer: the option's, or by default 24 h for the vendor's servers only. */
export function lifetimeLimit(option: number | false | undefined, vendorShaped: boolean): number | undefined {
  if (option === false) return undefined;
  return option ?? (vendorShaped ? DEFAULTS.maxTokenLifetime : undefined);
}

/**
 * The audiences an issuer's tokens must name. With `resource` (RFC 8707), tokens name the API by
 * its canonical URI: that is the audience when none is given, and a given audience must include
 * it, so the published metadata and the check cannot disagree.
 */
function audienceOf(value: unknown, where: string, resource: string | undefined): readonly string[] {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) {
    if (resource !== undefined) return Object.freeze([resource]);
    throw configError(
      `\`${where}audience\` is required: the identifier of this API that tokens must name in \`aud\`, ` +
        'e.g. "api://default" (or set `resource` to the API\'s URL; RFC 8725 section 3.9)',
    );
  }
  const audiences = stringOrStringList(value, `${where}audience`);
  if (resource !== undefined && !audiences.includes(resource)) {
    throw configError(
      `\`${where}audience\` must include the \`resource\` ${found(resource)}, which tokens for this API name in \`aud\`; found ${found(value)}`,
    );
  }
  return audiences;
}

export function algorithmList(value: unknown, name: string): readonly string[] {
  const list = stringList(value, name);
  if (list.length === 0) throw configError(`\`${name}\` must not be empty; e.g. ['RS256']`);
  for (const alg of list) {
    // RFC 8725 §3.2, DESIGN rule 5: never an unsecured or a shared-secret algorithm.
    if (alg.toLowerCase() === 'none' || /^hs/i.test(alg)) {
      throw configError(`\`${name}\` may not contain ${found(alg)}: none and HS* are never accepted`);
    }
    if (!(SUPPORTED_ALGORITHMS as readonly string[]).includes(alg)) {
      throw configError(
        `\`${name}\` has unknown algorithm ${found(alg)}; known: ${SUPPORTED_ALGORITHMS.join(', ')}`,
      );
    }
  }
  return Object.freeze([...new Set(list)]);
}

export function originList(value: unknown, name: string): readonly string[] {
  return stringList(value, name).map((origin, index) => {
    const problem = fetchableUrlProblem(origin);
    if (problem !== undefined || originOf(origin) !== origin) {
      throw configError(
        `\`${name}[${index}]\` must be an https origin like "https://keys.example.com"; found ${found(origin)}`,
      );
    }
    return origin;
  });
}

function jwksUri(
  value: unknown,
  name: string,
  issuerOrigin: string,
  allowed: readonly string[],
  allowInsecureHttp: boolean,
): string {
  const uri = nonEmptyString(value, name);
  const problem = fetchableUrlProblem(uri, allowInsecureHttp);
  if (problem !== undefined) throw configError(`\`${name}\` ${problem}; found ${found(uri)}`);
  const origin = originOf(uri)!;
  if (origin !== issuerOrigin && !allowed.includes(origin)) {
    throw configError(
      `\`${name}\` is on ${origin}, not the issuer's origin ${issuerOrigin}; add it to \`allowedJwksOrigins\` to allow it`,
    );
  }
  return uri;
}
