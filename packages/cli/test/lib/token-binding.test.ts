import { describe, expect, it } from 'vitest';
import { bindingOf } from '../../src/lib/token-binding.js';

describe('bindingOf: what a cnf claim names, as the verifier reads it', () => {
  it('DP-3, DP-5: no cnf or an empty one binds nothing; jkt is a DPoP key, whatever else cnf holds', () => {
    expect(bindingOf(undefined)).toBe('none');
    expect(bindingOf({})).toBe('none');
    expect(bindingOf({ jkt: 'k' })).toBe('key');
    expect(bindingOf({ jkt: 'k', 'x5t#S256': 'c' })).toBe('key');
  });

  it('DP-5: without jkt, x5t#S256 is a client certificate and any other member a method no proof speaks for', () => {
    expect(bindingOf({ 'x5t#S256': 'c' })).toBe('certificate');
    expect(bindingOf({ 'x5t#S256': 'c', kid: 'k' })).toBe('certificate');
    for (const cnf of [{ jwk: {} }, { jku: 'https://x' }, { kid: 'k' }, { 'x5t#S512': 'c' }]) {
      expect(bindingOf(cnf)).toBe('other');
    }
  });

  it('a cnf that is no object names nothing: the verifier refuses it as a malformed claim', () => {
    for (const cnf of [null, 'jkt', ['jkt'], 3]) expect(bindingOf(cnf)).toBeUndefined();
  });
});
