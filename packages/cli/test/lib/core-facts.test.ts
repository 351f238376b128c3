import { isLoopbackHost } from '@tokenward/core';
import { describe, expect, it } from 'vitest';
import { isLoopbackUrl } from '../../src/lib/http-get.js';

describe("the CLI draws core's lines, not copies of them", () => {
  it.each([
    'http://localhost:8080',
    'http://app.localhost',
    'http://127.0.0.1',
    'http://127.1',
    'http://[::1]:3000',
    'http://example.com',
    'http://127.0.0.1.example.com',
    'http://10.0.0.1',
  ])('%s is loopback exactly when core says so', (address) => {
    const url = new URL(address);
    expect(isLoopbackUrl(url)).toBe(isLoopbackHost(url.hostname));
  });
});
