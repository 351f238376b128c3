import { TokenwardError } from '@tokenward/core';
import type { RouteAuthConfig } from '../types.js';

const KNOWN_KEYS = new Set(['scopes', 'scopeMatch', 'claims']);
// RFC 6749 §3.3: a scope token is one or more visible ASCII characters other than `"` and `\`.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * Checks route requirements once, where they are declared, so a typo fails at startup with
 * ERR_CONFIG naming the place instead of turning every request into a 500.
 */
export function validateRequirements(value: unknown, where: string): RouteAuthConfig {
  if (!isPlainObject(value)) {
    throw configError(`${where} must be an object like { scopes: ['orders:read'] }`);
  }
  for (const key of Object.keys(value)) {
    if (!KNOWN_KEYS.has(key)) {
      throw configError(`${where} has an unknown option "${key}"; expected scopes, scopeMatch or claims`);
    }
  }
  const { scopes, scopeMatch, claims } = value;
  if (scopes !== undefined && !isScopeList(scopes)) {
    throw configError(`${where}.scopes must be a non-empty array of scope names (RFC 6749 §3.3)`);
  }
  if (scopeMatch !== undefined && scopeMatch !== 'all' && scopeMatch !== 'any') {
    throw configError(`${where}.scopeMatch must be 'all' or 'any', got ${JSON.stringify(scopeMatch)}`);
  }
  if (claims !== undefined && !(isPlainObject(claims) && Object.keys(claims).length > 0)) {
    throw configError(`${where}.claims must be an object naming at least one claim`);
  }
  return value as RouteAuthConfig;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScopeList(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((scope) => typeof scope === 'string' && SCOPE_TOKEN.test(scope))
  );
}

function configError(message: string): TokenwardError {
  return new TokenwardError('ERR_CONFIG', message);
}
