/**
 * Tests of the real `tokenward` binary (`node packages/cli/dist/bin.js`), built first when stale,
 * spawned against one reference issuer on loopback. The cases live in `binary/`; they run from
 * this one file so the build happens once, never twice in parallel.
 */
import { type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, beforeAll } from 'vitest';
import { bindingCases } from './binary/binding.cases.js';
import { colorCases } from './binary/color.cases.js';
import { commandCases } from './binary/commands.cases.js';
import { demoCases } from './binary/demo.cases.js';
import { discoverCases } from './binary/discover.cases.js';
import { dpopCases } from './binary/dpop.cases.js';
import { hardeningCases } from './binary/hardening.cases.js';
import { inspectCases } from './binary/inspect.cases.js';
import { rootIssuerCases } from './binary/root-issuer.cases.js';
import { verifyCases } from './binary/verify.cases.js';
import { ensureBuilt } from './support/built-cli.js';
import { CLIENT, context, ORDER_SCOPES } from './support/context.js';

let issuer: ReferenceIssuer | undefined;

beforeAll(async () => {
  ensureBuilt();
  issuer = await startIssuer({
    port: 0,
    servers: ['default', 'payments'],
    clients: [{ ...CLIENT, scopes: ORDER_SCOPES }],
  });
  context.issuer = issuer;
}, 120_000);

afterAll(async () => {
  await issuer?.close();
});

commandCases();
verifyCases();
dpopCases();
bindingCases();
inspectCases();
discoverCases();
rootIssuerCases();
hardeningCases();
colorCases();
demoCases();
