/**
 * `tokenward demo`: starts the reference issuer and two protected APIs, walks through the
 * situations an API meets, and exits 0 only when every answer was the expected one.
 */

import { runGatewayAct } from '../demo/gateway-act.js';
import { DemoNarrator, SILENT_LISTENER } from '../demo/report.js';
import { runScenarios } from '../demo/run.js';
import { obtainTokens, SCENARIOS } from '../demo/scenarios.js';
import {
  DEMO_JWKS_COOLDOWN,
  DEMO_JWKS_MAX_AGE,
  DEMO_STALE_IF_ERROR,
  startDemoEnvironment,
} from '../demo/servers.js';
import { runStepUpAct } from '../demo/step-up-act.js';
import { expectPositionals, parseCommandArgs } from '../lib/args.js';
import { type CliIo, EXIT, type ExitCode, printJson } from '../lib/output.js';

export const DEMO_HELP = `Usage: tokenward demo [--json]

Starts the reference authorization server (org server plus custom servers "default" and
"payments"), an Express API and a Fastify API protected by tokenward for the default server, gets
tokens with real client_credentials requests, and narrates what both APIs answer for: a valid
token, a missing scope, no token, an expired token, a tampered signature, a sibling server's
token, an org-server token, a key rotation, and a key-set outage (stale keys, then 503).
A step-up act signs the test user in (authorization code + PKCE) and has both APIs ask for a
stronger or fresher sign-in (RFC 9470) until the user signs in again as the challenge says.
A last act puts an unprotected API behind @tokenward/gateway: through real NGINX (auth_request)
when nginx is installed, else by asking the gateway's /auth as NGINX would.
Everything listens on loopback and is shut down at the end.

Options:
  --json       print the results as JSON instead of the narration
  -h, --help   show this help

Examples:
  tokenward demo
  tokenward demo --json | jq '.results[] | select(.matched | not)'

Exit codes: 0 every outcome matched, 1 an outcome did not match (or the demo could not start)
`;

const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runDemo(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  expectPositionals(positionals, 0, 'nothing');
  const started = performance.now();
  const env = await startDemoEnvironment();
  try {
    const narrator = values.json ? undefined : new DemoNarrator(io);
    narrator?.setup(env);
    const tokens = await obtainTokens(env);
    const results = await runScenarios(env, tokens, SCENARIOS, narrator ?? SILENT_LISTENER);
    narrator?.stepUpActStarts();
    const stepUp = await runStepUpAct(env, (result) => narrator?.stepUpCase(result));
    narrator?.gatewayActStarts();
    const gateway = await runGatewayAct(env, (result) => narrator?.gatewayCase(result));
    const durationMs = Math.round(performance.now() - started);
    const ok = [...results, ...stepUp, ...gateway.cases].every((result) => result.matched);
    if (values.json) {
      printJson(io, {
        ok,
        durationMs,
        setup: {
          issuer: env.issuer.origin,
          servers: env.issuer.servers.map((server) => ({ id: server.id, issuer: server.issuer })),
          apis: env.apis.map((api) => ({ name: api.name, origin: api.origin })),
          trusted: env.trusted,
        },
        demoShortcuts: {
          jwksMaxAgeSeconds: DEMO_JWKS_MAX_AGE,
          staleIfErrorSeconds: DEMO_STALE_IF_ERROR,
          jwksCooldownSeconds: DEMO_JWKS_COOLDOWN,
          clockMovedForwardSeconds: env.clock.skippedSeconds,
        },
        results,
        stepUp,
        gateway,
      });
    } else narrator?.summary(results, durationMs, env.clock.skippedSeconds, gateway, stepUp);
    return ok ? EXIT.ok : EXIT.invalid;
  } finally {
    await env.close();
  }
}
