/**
 * The result of a verified ID token: the claims as typed fields and the standard profile claims
 * (OIDC Core §5.1) in camelCase. A profile claim of the wrong type is refused rather than dropped,
 * as for every other claim this library reads: a typed field must hold what its type says.
 */
import { TokenwardError } from '../../errors.js';
import type { IdTokenAddress, IdTokenClaims, IdTokenProfile, IdTokenResult } from '../../id-token-types.js';
import type { AuthorizationServerInfo, JwtHeader } from '../../types.js';
import { audienceList } from '../checks/claims.js';
import { deepFreeze } from '../token/deep-freeze.js';

type ProfileType = 'string' | 'boolean';

/** Claim name, result field, type (OIDC Core §5.1). `address` and `updated_at` are read separately. */
const PROFILE_CLAIMS: ReadonlyArray<readonly [string, keyof IdTokenProfile, ProfileType]> = [
  ['name', 'name', 'string'],
  ['given_name', 'givenName', 'string'],
  ['family_name', 'familyName', 'string'],
  ['middle_name', 'middleName', 'string'],
  ['nickname', 'nickname', 'string'],
  ['preferred_username', 'preferredUsername', 'string'],
  ['profile', 'profile', 'string'],
  ['picture', 'picture', 'string'],
  ['website', 'website', 'string'],
  ['email', 'email', 'string'],
  ['email_verified', 'emailVerified', 'boolean'],
  ['gender', 'gender', 'string'],
  ['birthdate', 'birthdate', 'string'],
  ['zoneinfo', 'zoneinfo', 'string'],
  ['locale', 'locale', 'string'],
  ['phone_number', 'phoneNumber', 'string'],
  ['phone_number_verified', 'phoneNumberVerified', 'boolean'],
];

const ADDRESS_MEMBERS: ReadonlyArray<readonly [string, keyof IdTokenAddress]> = [
  ['formatted', 'formatted'],
  ['street_address', 'streetAddress'],
  ['locality', 'locality'],
  ['region', 'region'],
  ['postal_code', 'postalCode'],
  ['country', 'country'],
];

/** The profile claims present in `claims`, typed; throws `ERR_CLAIM_INVALID` for a mistyped one. */
export function readProfile(claims: IdTokenClaims): IdTokenProfile {
  const profile: Record<string, unknown> = {};
  for (const [claim, field, type] of PROFILE_CLAIMS) {
    const value = claims[claim];
    if (value === undefined) continue;
    if (typeof value !== type) throw mistyped(claim, `a ${type}`);
    profile[field] = value;
  }
  if (claims.address !== undefined) profile.address = readAddress(claims.address);
  if (claims.updated_at !== undefined) {
    if (typeof claims.updated_at !== 'number' || !Number.isFinite(claims.updated_at)) {
      throw mistyped('updated_at', 'a number of seconds since the epoch');
    }
    profile.updatedAt = new Date(claims.updated_at * 1000);
  }
  return profile as IdTokenProfile;
}

function readAddress(value: unknown): IdTokenAddress {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw mistyped('address', 'an object (OIDC Core section 5.1.1)');
  }
  const members = value as Record<string, unknown>;
  const address: Record<string, string> = {};
  for (const [member, field] of ADDRESS_MEMBERS) {
    const memberValue = members[member];
    if (memberValue === undefined) continue;
    if (typeof memberValue !== 'string') throw mistyped(`address.${member}`, 'a string');
    address[field] = memberValue;
  }
  return address;
}

function mistyped(claim: string, expected: string): TokenwardError {
  return new TokenwardError(
    'ERR_CLAIM_INVALID',
    `claim "${claim}" must be ${expected} (OIDC Core section 5.1)`,
  );
}

/** Assembles the frozen result; every check has passed. */
export function buildIdTokenResult(
  token: string,
  header: JwtHeader,
  claims: IdTokenClaims,
  profile: IdTokenProfile,
  server: AuthorizationServerInfo,
): IdTokenResult {
  return deepFreeze({
    token,
    header,
    claims,
    issuer: claims.iss,
    subject: claims.sub,
    audience: [...audienceList(claims)],
    ...(claims.azp === undefined ? {} : { authorizedParty: claims.azp }),
    expiresAt: new Date(claims.exp * 1000),
    issuedAt: new Date(claims.iat * 1000),
    ...(claims.auth_time === undefined ? {} : { authTime: new Date(claims.auth_time * 1000) }),
    ...(claims.nonce === undefined ? {} : { nonce: claims.nonce }),
    ...(claims.acr === undefined ? {} : { acr: claims.acr }),
    ...(claims.amr === undefined ? {} : { amr: claims.amr }),
    profile,
    server,
  });
}
