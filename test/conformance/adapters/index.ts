import type { AdapterHarness } from '../harness.js';
import { expressHarness } from './express.js';
import { fastifyHarness } from './fastify.js';
import { fetchHarness } from './fetch.js';
import { gatewayHarness } from './gateway.js';
import { honoHarness } from './hono.js';

/** Every adapter the conformance suite runs; the first one's answers are the reference. */
export const adapters: readonly AdapterHarness[] = [
  expressHarness,
  fastifyHarness,
  fetchHarness,
  honoHarness,
  gatewayHarness,
];
