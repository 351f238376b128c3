import type { ContenderDefinition } from '../contender.js';
import { auth0 } from './auth0.js';
import { awsJwtVerify } from './aws-jwt-verify.js';
import { fastJwtCached, fastJwtUncached } from './fast-jwt.js';
import { jose } from './jose.js';
import { jsonwebtoken } from './jsonwebtoken.js';
import { okta } from './okta.js';
import { rawCrypto } from './raw-crypto.js';
import { tokenwardDefaults, tokenwardSync, tokenwardUncached } from './tokenward.js';

/** tokenward in any configuration (bold and coloured in the report, never a peer). */
export function isTokenward(name: string): boolean {
  return name === 'tokenward' || name.startsWith('tokenward (');
}

/**
 * The tokenward configuration a cell's targets name: the defaults for a repeated token (what the
 * cache is for), no cache for distinct tokens (every call verifies, as for the peers without one).
 */
export function tokenwardOfCell(workload: 'same' | 'distinct'): string {
  return workload === 'same' ? tokenwardDefaults.name : tokenwardUncached.name;
}

/** The peers issue #18 measures tokenward against, in the cells where they appear. */
export const RIVALS: readonly string[] = [fastJwtCached.name, fastJwtUncached.name, awsJwtVerify.name];

/** The signature-only reference every ratio is taken against. */
export const LIMIT = rawCrypto;

/** Every contender of the in-process throughput phase, the limit first. */
export const CONTENDERS: readonly ContenderDefinition[] = [
  rawCrypto,
  tokenwardDefaults,
  tokenwardUncached,
  tokenwardSync,
  fastJwtCached,
  fastJwtUncached,
  jose,
  awsJwtVerify,
  jsonwebtoken,
  okta,
  auth0,
];
