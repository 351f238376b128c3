/**
 * The policy as the gateway uses it, whichever format it was written in (the native YAML/JSON
 * policy or an OpenAPI document): trusted issuers by name, and rules in order.
 */
import type { VerifyAccessTokenOptions } from '@tokenward/core';
import type { HostPattern } from '../routing/host.js';
import type { PathPattern } from '../routing/pattern.js';
import type { FieldPath } from './issues.js';

/** Names of the identity headers sent with an allowed request. */
export interface IdentityHeaderNames {
  readonly subject: string;
  readonly scopes: string;
  readonly clientId: string;
  readonly issuer: string;
}

export const DEFAULT_IDENTITY_HEADERS: IdentityHeaderNames = Object.freeze({
  subject: 'X-Auth-Subject',
  scopes: 'X-Auth-Scopes',
  clientId: 'X-Auth-Client-Id',
  issuer: 'X-Auth-Issuer',
});

/** One way a token can satisfy a rule: tokens of these issuers, with these requirements. */
export interface TokenAlternative {
  /** Names of the policy issuers whose tokens are accepted (one verifier trusts them all). */
  readonly issuers: readonly string[];
  readonly requirements: VerifyAccessTokenOptions;
  /** Where this alternative was declared, for messages about it. */
  readonly at: FieldPath;
}

/** What a matching request needs. */
export type RouteAccess =
  | { readonly kind: 'none' }
  /** A token satisfying one of the alternatives (OpenAPI security: OR of AND lists). */
  | { readonly kind: 'token'; readonly alternatives: readonly TokenAlternative[] };

/** One rule: what it matches and what it requires. */
export interface RouteRule {
  /** Label in metrics and logs: the rule's `name`, else its methods, host and path. */
  readonly label: string;
  readonly host: HostPattern | undefined;
  readonly path: PathPattern;
  /** Upper-case methods; `undefined` matches every method. */
  readonly methods: ReadonlySet<string> | undefined;
  readonly access: RouteAccess;
}

/** A trusted issuer: the core verifier options as written, and where. */
export interface IssuerEntry {
  readonly options: Readonly<Record<string, unknown>>;
  readonly at: FieldPath;
}

/** A checked policy, before verifiers are made for it. */
export interface PolicyDefinition {
  readonly realm: string | undefined;
  readonly identityHeaders: IdentityHeaderNames;
  readonly issuers: ReadonlyMap<string, IssuerEntry>;
  readonly routes: readonly RouteRule[];
  /** Things worth telling the operator that do not stop the policy, e.g. unsecured operations. */
  readonly warnings: readonly string[];
}
