/**
 * How the demo tells its story: the setup, each scenario with every API's answer (status,
 * `WWW-Authenticate`, the error code and what it means), and a closing table of expected
 * against actual outcomes.
 */
import type { ErrorCode } from '@tokenward/core';
import { explain } from '../lib/explain.js';
import { type CliIo, Printer } from '../lib/output.js';
import { type GatewayActResult, type GatewayCase, nginxInstalled } from './gateway-act.js';
import type { ScenarioListener, ScenarioResult } from './run.js';
import type { Scenario } from './scenarios.js';
import type { DemoEnvironment } from './servers.js';
import type { StepUpCase } from './step-up-act.js';

const WIDTH = 96;

/** Narrates the run on stdout as it happens. */
export class DemoNarrator implements ScenarioListener {
  private readonly out: Printer;

  constructor(io: CliIo) {
    this.out = new Printer(io.stdout, io.env);
  }

  setup(env: DemoEnvironment): void {
    const { out } = this;
    const { bold, dim } = out.palette;
    out.line(bold('tokenward demo: one authorization server, two APIs, the situations an API meets'));
    out.line();
    out.line(bold('Setup'));
    const custom = env.issuer.servers.map((server) => `"${server.id}"`).join(' and ');
    out.line(`  issuer    ${env.issuer.origin}  ${dim(`org server + custom servers ${custom}`)}`);
    for (const api of env.apis) {
      out.line(
        `  ${api.name.padEnd(9)} ${api.origin}  ${dim('GET /orders needs orders:read, POST /orders/refund needs orders:refund')}`,
      );
    }
    out.line(`  trust     issuer ${env.trusted.issuer}, audience ${env.trusted.audience}`);
    out.line(`  tokens    client_credentials as "${env.client.clientId}" at each server's token endpoint`);
  }

  scenario(index: number, scenario: Scenario): void {
    this.out.line();
    this.out.line(this.out.palette.bold(`${index + 1}. ${scenario.name}`));
    for (const line of wrap(scenario.story, WIDTH - 3)) this.out.line(`   ${line}`);
  }

  result(result: ScenarioResult): void {
    const { out } = this;
    const { dim } = out.palette;
    const status = result.matched ? 'pass' : 'fail';
    out.check(
      status,
      `${result.api.padEnd(8)} ${result.method} ${result.path} → ${result.got.status}`,
      '',
      '   ',
    );
    const challenge = result.got.wwwAuthenticate ?? '(none: access granted)';
    out.line(`       ${dim('WWW-Authenticate:')} ${challenge}`);
    if (result.got.retryAfter !== null) out.line(`       ${dim('Retry-After:')} ${result.got.retryAfter}`);
    if (result.got.code !== null) {
      out.line(
        `       ${dim('reason:')} ${result.got.code}: ${explain(result.got.code as ErrorCode).meaning}`,
      );
    }
    if (result.expected.jwksRequests !== undefined) {
      const { before, after } = result.jwksRequests;
      out.line(`       ${dim('key-set requests at the issuer:')} ${before} → ${after}`);
    }
    for (const note of result.notes) out.line(`       ${dim(note)}`);
    if (!result.matched)
      out.line(`       ${out.palette.red(`expected ${expectedText(result)}, got ${gotText(result)}`)}`);
  }

  gatewayActStarts(): void {
    const { out } = this;
    out.line();
    out.line(
      out.palette.bold('Gateway act: the same tokens, an API with no auth code, @tokenward/gateway in front'),
    );
    const route = nginxInstalled()
      ? 'client → NGINX (auth_request, the gateway README recipe) → API; NGINX asks the gateway'
      : 'NGINX is not installed: asking the gateway alone, at /auth, exactly as NGINX would';
    for (const line of wrap(route, WIDTH - 3)) out.line(`   ${line}`);
  }

  stepUpActStarts(): void {
    const { out } = this;
    out.line();
    out.line(out.palette.bold('Step-up act: POST /payouts wants a two-factor sign-in from the last 300 s'));
    const story =
      'The test user signs in (authorization code + PKCE, client spa-client); when an API refuses, ' +
      "the client signs in again with the challenge's acr_values or max_age (RFC 9470) and retries.";
    for (const line of wrap(story, WIDTH - 3)) out.line(`   ${line}`);
  }

  stepUpCase(result: StepUpCase): void {
    const { out } = this;
    const { dim } = out.palette;
    out.check(
      result.matched ? 'pass' : 'fail',
      `${result.api.padEnd(8)} POST /payouts → ${result.got.status}`,
      '',
      '   ',
    );
    out.line(`       ${dim(`${result.name}; token acr ${result.got.acr ?? '(none)'}`)}`);
    if (result.got.wwwAuthenticate !== null)
      out.line(`       ${dim('WWW-Authenticate:')} ${result.got.wwwAuthenticate}`);
  }

  gatewayCase(result: GatewayCase): void {
    const { out } = this;
    const { dim } = out.palette;
    out.check(
      result.matched ? 'pass' : 'fail',
      `${result.method} ${result.path} → ${result.got.status}`,
      '',
      '   ',
    );
    out.line(`       ${dim(result.name)}`);
    if (result.got.wwwAuthenticate !== null)
      out.line(`       ${dim('WWW-Authenticate:')} ${result.got.wwwAuthenticate}`);
    if (result.got.subject !== null)
      out.line(`       ${dim('X-Auth-Subject at the API:')} ${result.got.subject}`);
  }

  summary(
    results: readonly ScenarioResult[],
    durationMs: number,
    skippedSeconds: number,
    gateway?: GatewayActResult,
    stepUp: readonly StepUpCase[] = [],
  ): void {
    const { out } = this;
    const { bold, green, red } = out.palette;
    const rows = results.map((result) => [
      result.scenario,
      result.api,
      expectedText(result),
      gotText(result),
    ]);
    const widths = [0, 1, 2, 3].map((column) =>
      Math.max(
        ['scenario', 'API', 'expected', 'got'][column]!.length,
        ...rows.map((row) => row[column]!.length),
      ),
    );
    const format = (cells: readonly string[]) =>
      cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
    out.line();
    out.line(bold('Summary'));
    out.line(`  ${bold(format(['scenario', 'API', 'expected', 'got']))}`);
    for (const [index, row] of rows.entries()) {
      out.line(`  ${format(row)}  ${out.mark(results[index]!.matched ? 'pass' : 'fail')}`);
    }
    out.line();
    if (gateway !== undefined) {
      const passed = gateway.cases.filter((result) => result.matched).length;
      const via = gateway.via === 'nginx' ? 'through NGINX' : 'gateway alone';
      out.line(`  gateway act (${via}): ${passed} of ${gateway.cases.length} outcomes matched`);
    }
    if (stepUp.length > 0) {
      const passed = stepUp.filter((result) => result.matched).length;
      out.line(`  step-up act: ${passed} of ${stepUp.length} outcomes matched`);
    }
    const total = results.length + (gateway?.cases.length ?? 0) + stepUp.length;
    const failed =
      results.filter((result) => !result.matched).length +
      (gateway?.cases.filter((result) => !result.matched).length ?? 0) +
      stepUp.filter((result) => !result.matched).length;
    const timing = `in ${(durationMs / 1000).toFixed(1)} s (the verifiers' clock was moved ${skippedSeconds} s forward)`;
    out.line(
      failed === 0
        ? green(bold(`✓ all ${total} outcomes matched ${timing}`))
        : red(bold(`✗ ${failed} of ${total} outcomes did not match ${timing}`)),
    );
  }
}

function expectedText(result: ScenarioResult): string {
  const { status, code, jwksRequests } = result.expected;
  const refetch = jwksRequests === undefined ? '' : `, ${jwksRequests} key-set fetch`;
  return `${status}${code === undefined ? '' : ` ${code}`}${refetch}`;
}

function gotText(result: ScenarioResult): string {
  const { status, code } = result.got;
  const fetched = result.jwksRequests.after - result.jwksRequests.before;
  const refetch = result.expected.jwksRequests === undefined ? '' : `, ${fetched} key-set fetch`;
  return `${status}${code === null ? '' : ` ${code}`}${refetch}`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if (current !== '' && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else current = current === '' ? word : `${current} ${word}`;
  }
  if (current !== '') lines.push(current);
  return lines;
}

/** Collects nothing as it goes; `--json` prints everything at the end. */
export const SILENT_LISTENER: ScenarioListener = { scenario: () => {}, result: () => {} };
