import { describe, expect, it } from 'vitest';
import { DemoClock } from '../../src/demo/clock.js';
import { colorEnabled, createPalette } from '../../src/lib/color.js';
import { formatDuration } from '../../src/lib/output.js';

describe('colorEnabled', () => {
  it.each([
    [true, {}, true],
    [false, {}, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [true, { TERM: 'dumb' }, false],
  ] as const)('TTY %s with %o → %s', (isTTY, env, expected) => {
    expect(colorEnabled({ isTTY }, env)).toBe(expected);
  });

  it('colours only when enabled', () => {
    expect(createPalette(false).red('x')).toBe('x');
    expect(createPalette(true).red('x')).toBe('\u001b[31mx\u001b[39m');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [42, '42 s'],
    [600, '10 min'],
    [603, '10 min 3 s'],
    [7260, '2 h 1 min'],
    [90_061, '1 d 1 h'],
    [-125, '2 min 5 s'],
  ])('%d s → %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('DemoClock', () => {
  it('moves forward to a time, never backwards', () => {
    const clock = new DemoClock();
    const target = Date.now() + 120_000;
    clock.advanceTo(target);
    expect(clock.now()).toBeGreaterThanOrEqual(target);
    expect(clock.skippedSeconds).toBeGreaterThanOrEqual(119);
    const skipped = clock.skippedSeconds;
    clock.advanceTo(0);
    expect(clock.skippedSeconds).toBe(skipped);
  });
});
