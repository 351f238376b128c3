import type { ContenderDefinition } from '../contender.js';
import { auth0 } from './auth0.js';
import { awsJwtVerify } from './aws-jwt-verify.js';
import { fastJwtCached, fastJwtUncached } from './fast-jwt.js';
import { jose } from './jose.js';
import { jsonwebtoken } from './jsonwebtoken.js';
import { okta } from './okta.js';
import { rawCrypto } from './raw-crypto.js';
import { tokenward } from './tokenward.js';

/** The signature-only reference every ratio is taken against. */
export const LIMIT = rawCrypto;

/** Every contender of the in-process throughput phase, the limit first. */
export const CONTENDERS: readonly ContenderDefinition[] = [
  rawCrypto,
  tokenward,
  fastJwtCached,
  fastJwtUncached,
  jose,
  awsJwtVerify,
  jsonwebtoken,
  okta,
  auth0,
];
