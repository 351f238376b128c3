/**
 * The SPA path in real headless Chromium: a page signs the test user in with authorization code +
 * PKCE against the reference issuer, exchanges the code cross-origin (CORS), and verifies the ID
 * token in the browser with `@tokenward/core`'s default entry, bundled for the page. Assertions
 * read what the page shows; each scenario leaves a screenshot in `test/browser/artifacts/`.
 */
import { mkdir } from 'node:fs/promises';
import { type ReferenceIssuer, startIssuer, TEST_USER } from '@tokenward/issuer';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS_DIR, BROWSER_DIR, buildPageBundle } from './build.js';
import { type SpaServer, startSpaServer } from './spa-server.js';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let issuer: ReferenceIssuer;
let spa: SpaServer;
let browser: Browser;

beforeAll(async () => {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const [started, bundlePath] = await Promise.all([
    startIssuer({ port: 0, servers: ['default', 'payments'] }),
    buildPageBundle(),
  ]);
  issuer = started;
  spa = await startSpaServer({ issuer, htmlPath: `${BROWSER_DIR}index.html`, bundlePath });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await spa?.close();
  await issuer?.close();
});

interface Outcome {
  readonly page: Page;
  readonly state: string | null;
  readonly status: string;
  readonly pageErrors: readonly string[];
}

/** Opens the page for a scenario in a fresh context and waits until it shows an outcome. */
async function runScenario(scenario: string): Promise<Outcome> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${spa.origin}/?scenario=${scenario}`);
  const status = page.locator('#status:not([data-state="pending"])');
  await status.waitFor({ timeout: 20_000 });
  await page.screenshot({ path: `${ARTIFACTS_DIR}spa-${scenario}.png`, fullPage: true });
  return {
    page,
    state: await status.getAttribute('data-state'),
    status: (await status.textContent()) ?? '',
    pageErrors,
  };
}

describe('ID-token verification in a SPA, headless Chromium', () => {
  it('signs in with code + PKCE, verifies the ID token in the page and shows the profile', async () => {
    issuer.resetCounts();
    const { page, state, status, pageErrors } = await runScenario('valid');
    expect(pageErrors).toEqual([]);
    expect({ state, status }).toEqual({ state: 'verified', status: `Signed in as ${TEST_USER.name}` });
    const field = (name: string) => page.locator(`#profile dd[data-field="${name}"]`).textContent();
    expect(await field('email')).toBe(TEST_USER.email);
    expect(await field('email-verified')).toBe('yes');
    expect(await field('username')).toBe(TEST_USER.login);
    expect(await field('subject')).toBe(TEST_USER.id);
    expect(await field('issuer')).toBe(issuer.server('default').issuer);
    expect(await page.locator('#error').isHidden()).toBe(true);
    expect(new URL(page.url()).pathname).toBe('/callback');
    // The real flow ran, and the keys were fetched by the browser (nothing else here fetches them).
    const count = (endpoint: 'authorize' | 'token' | 'jwks') =>
      issuer.requestCount({ server: 'default', endpoint });
    expect([count('authorize'), count('token')]).toEqual([1, 1]);
    expect(count('jwks')).toBeGreaterThan(0);
    await page.context().close();
  });

  it.each([
    ['wrong-nonce', 'ERR_NONCE_MISMATCH'],
    ['wrong-client', 'ERR_AUDIENCE_MISMATCH'],
    ['tampered', 'ERR_SIGNATURE_INVALID'],
    ['expired', 'ERR_TOKEN_EXPIRED'],
    ['at-hash', 'ERR_AT_HASH_MISMATCH'],
    ['sibling-server', 'ERR_ISSUER_MISMATCH'],
  ])('refuses the %s ID token and shows %s', async (scenario, code) => {
    const { page, state, status, pageErrors } = await runScenario(scenario);
    expect(pageErrors).toEqual([]);
    expect({ state, status }).toEqual({ state: 'refused', status: 'The ID token was refused.' });
    expect(await page.locator('#error-code').textContent()).toBe(code);
    expect(await page.locator('#error-message').textContent()).not.toBe('');
    expect(await page.locator('#profile').isHidden()).toBe(true);
    await page.context().close();
  });
});
