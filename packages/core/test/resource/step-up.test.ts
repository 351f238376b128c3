import { describe, expect, it } from 'vitest';
import { isTokenwardError, type TokenwardError } from '../../src/errors.js';
import { checkStepUp, type StepUpRequirement } from '../../src/lib/checks/step-up.js';

const NOW = 1_800_000_000;

function refusal(
  claims: Record<string, unknown>,
  requirement: StepUpRequirement,
  levels?: readonly string[],
): TokenwardError | undefined {
  try {
    checkStepUp(claims, requirement, levels, NOW, 30);
    return undefined;
  } catch (error) {
    if (!isTokenwardError(error)) throw error;
    return error;
  }
}

describe('step-up authentication (RFC 9470)', () => {
  it('accepts an acr listed by the route and a recent enough auth_time', () => {
    expect(
      refusal({ acr: 'phrh', auth_time: NOW - 60 }, { acrValues: ['phr', 'phrh'], maxAge: 300 }),
    ).toBeUndefined();
  });

  it('refuses a weaker acr with 401 insufficient_user_authentication and acr_values (RFC 9470 section 3)', () => {
    const error = refusal({ acr: 'pwd' }, { acrValues: ['phrh'] });
    expect(error?.code).toBe('ERR_INSUFFICIENT_USER_AUTHENTICATION');
    expect(error?.status).toBe(401);
    expect(error?.headers['WWW-Authenticate']).toContain('error="insufficient_user_authentication"');
    expect(error?.headers['WWW-Authenticate']).toContain('acr_values="phrh"');
    expect(error?.message).toContain('"pwd"');
    // Each acceptable value named whole, the second too.
    const either = refusal({ acr: 'pwd' }, { acrValues: ['phr', 'phrh'] });
    expect(either?.message).toBe(
      'this route needs a sign-in at "phr" or "phrh"; the token\'s sign-in was at "pwd"',
    );
  });

  it('refuses a stale sign-in with max_age in the challenge (RFC 9470 section 3)', () => {
    const error = refusal({ auth_time: NOW - 3600 }, { maxAge: 300 });
    expect(error?.code).toBe('ERR_INSUFFICIENT_USER_AUTHENTICATION');
    expect(error?.headers['WWW-Authenticate']).toContain('max_age="300"');
    expect(error?.message).toContain('3600 s ago');
  });

  it('forgives clock skew up to the tolerance', () => {
    expect(refusal({ auth_time: NOW - 320 }, { maxAge: 300 })).toBeUndefined();
    expect(refusal({ auth_time: NOW - 331 }, { maxAge: 300 })?.code).toBe(
      'ERR_INSUFFICIENT_USER_AUTHENTICATION',
    );
  });

  it.each([
    ['no acr', {}, { acrValues: ['phr'] }],
    ['an empty acr', { acr: '' }, { acrValues: ['phr'] }],
    ['a non-string acr', { acr: 2 }, { acrValues: ['2'] }],
    ['no auth_time', {}, { maxAge: 60 }],
    ['a string auth_time', { auth_time: String(NOW) }, { maxAge: 60 }],
    ['a fractional auth_time', { auth_time: NOW - 0.5 }, { maxAge: 60 }],
    ['a negative auth_time', { auth_time: -1 }, { maxAge: 60 }],
  ])('fails closed on %s', (_, claims, requirement) => {
    expect(refusal(claims, requirement)?.code).toBe('ERR_INSUFFICIENT_USER_AUTHENTICATION');
  });

  it('with ordered levels, a stronger acr satisfies "at least X"', () => {
    const levels = ['urn:loa:1', 'urn:loa:2', 'urn:loa:3'];
    expect(refusal({ acr: 'urn:loa:3' }, { acrValues: ['urn:loa:2'] }, levels)).toBeUndefined();
    expect(refusal({ acr: 'urn:loa:2' }, { acrValues: ['urn:loa:2'] }, levels)).toBeUndefined();
    const weaker = refusal({ acr: 'urn:loa:1' }, { acrValues: ['urn:loa:2'] }, levels);
    expect(weaker?.message).toContain('"urn:loa:2" or stronger');
    expect(refusal({ acr: 'urn:other' }, { acrValues: ['urn:loa:2'] }, levels)?.code).toBe(
      'ERR_INSUFFICIENT_USER_AUTHENTICATION',
    );
  });

  it('shows a hostile acr without control characters', () => {
    const error = refusal({ acr: 'x\u001b[2J\r\nverified' }, { acrValues: ['phr'] });
    const printable = (text: string | undefined) => [...(text ?? '')].every((char) => char >= ' ');
    expect(printable(error?.message)).toBe(true);
    expect(printable(error?.headers['WWW-Authenticate'])).toBe(true);
  });

  it('keeps acr_values and max_age when an adapter changes the realm', () => {
    const error = refusal({ acr: 'pwd', auth_time: NOW - 1000 }, { acrValues: ['phr'], maxAge: 10 });
    const copy = error?.withRealm('orders');
    expect(copy?.headers['WWW-Authenticate']).toContain('acr_values="phr"');
    expect(copy?.headers['WWW-Authenticate']).toContain('realm="orders"');
  });
});
