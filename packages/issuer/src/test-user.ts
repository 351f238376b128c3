import type { AcrValue } from './types.js';

/**
 * Levels the test user can sign in at (`acr`, OIDC Core §2), weakest first; `acr_values` at the
 * authorization endpoint picks one (RFC 9470 §4).
 */
export const ACR_VALUES: readonly AcrValue[] = ['urn:tokenward:loa:1', 'urn:tokenward:loa:2', 'phr', 'phrh'];

/** The built-in user the authorize endpoint signs in without a login page. */
export const TEST_USER = {
  /** Vendor-shaped user id (`00u` + 17 characters), the `sub` of ID tokens and `uid` of access tokens. */
  id: '00ualice1example2usr',
  /** Login name, the `sub` of the vendor's user access tokens. */
  login: 'alice@example.com',
  name: 'Alice Example',
  email: 'alice@example.com',
  emailVerified: true,
  /** Identity provider id (`idp` claim): the org itself, as for users signed in with a password. */
  idp: '00oexample0identity1',
} as const;

/** Profile claims of the test user as they appear in ID tokens and at the userinfo endpoint. */
export function testUserProfileClaims(): Record<string, unknown> {
  return {
    name: TEST_USER.name,
    preferred_username: TEST_USER.login,
    email: TEST_USER.email,
    email_verified: TEST_USER.emailVerified,
  };
}
