/**
 * `tokenward discover`: fetches an issuer's discovery documents and key set, checks what a
 * verifier relies on, and finally lets `@tokenward/core` load them the way an API would.
 */
import { createAccessTokenVerifier, DEFAULTS, isTokenwardError } from '@tokenward/core';
import { expectPositionals, parseCommandArgs, requireUrl } from '../lib/args.js';
import { checkDiscovery } from '../lib/discovery-checks.js';
import { explain, isUpstreamCode } from '../lib/explain.js';
import { describeIssuer } from '../lib/issuer-kind.js';
import { checkJwks, type KeySummary } from '../lib/jwks-checks.js';
import { type CliIo, EXIT, type ExitCode, Printer, printJson } from '../lib/output.js';
import { printSections, type ReportCheck, type ReportSection, tally } from '../lib/report.js';

export const DISCOVER_HELP = `Usage: tokenward discover <issuer> [--json]

Fetches the issuer's metadata in all three forms (RFC 8414 path insertion, appended OAuth form,
OpenID configuration) and its key set, and checks them: the issuer in each document equals the
issuer exactly, https unless loopback, jwks_uri on the issuer's origin, Cache-Control max-age,
kids present and unique, use/alg, RSA keys of at least 2048 bits, no private keys. Then lets
@tokenward/core load discovery and keys as an API would.

Arguments:
  <issuer>     the issuer URL, e.g. https://acme.okta.com/oauth2/default

Options:
  --json       print the checks as JSON
  -h, --help   show this help

Examples:
  tokenward discover https://acme.okta.com/oauth2/default
  tokenward discover http://127.0.0.1:8080/oauth2/payments --json

Exit codes: 0 every check passed, 1 a check failed, 2 usage error, 3 could not reach the issuer
`;

const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The limits core applies by default to one exchange and one body. */
const METADATA_LIMITS = { timeoutMs: DEFAULTS.httpTimeout * 1000, maxBytes: DEFAULTS.maxDiscoveryBytes };
const JWKS_LIMITS = { timeoutMs: DEFAULTS.httpTimeout * 1000, maxBytes: DEFAULTS.maxJwksBytes };

export async function runDiscover(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  expectPositionals(positionals, 1, 'the issuer URL');
  const issuer = requireUrl(positionals[0], 'the issuer');
  const classification = describeIssuer(issuer);

  const discovery = await checkDiscovery(issuer, METADATA_LIMITS);
  const sections: ReportSection[] = [...discovery.sections];
  let keys: readonly KeySummary[] = [];
  let unreachable = discovery.unreachable;
  if (discovery.jwksUri !== undefined) {
    const jwks = await checkJwks(discovery.jwksUri, JWKS_LIMITS);
    sections.push(jwks.section);
    keys = jwks.keys;
    unreachable ||= jwks.unreachable;
  }
  if (!unreachable) sections.push({ title: 'tokenward', checks: [await coreCheck(issuer)] });

  const { failed, warnings } = tally(sections);
  const exitCode = unreachable ? EXIT.unreachable : failed > 0 ? EXIT.invalid : EXIT.ok;
  if (values.json) {
    printJson(io, {
      issuer,
      classification,
      outcome: exitCode === EXIT.ok ? 'ok' : exitCode === EXIT.unreachable ? 'unreachable' : 'failed',
      jwksUri: discovery.jwksUri ?? null,
      keys,
      sections,
      failed,
      warnings,
    });
    return exitCode;
  }
  const out = new Printer(io.stdout, io.env);
  const { bold, green, red, yellow } = out.palette;
  out.line(`${bold(issuer)}`);
  out.line(`  ${classification.summary}`);
  printSections(out, sections);
  out.line();
  const warned = warnings > 0 ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : '';
  if (exitCode === EXIT.unreachable) out.line(yellow(bold(`! could not reach the issuer${warned}`)));
  else if (exitCode === EXIT.invalid)
    out.line(red(bold(`✗ ${failed} check${failed === 1 ? '' : 's'} failed${warned}`)));
  else out.line(green(bold(`✓ every check passed${warned}`)));
  return exitCode;
}

/** Core's own verdict: discovery and the key set loaded through the Node entry, as an API would. */
async function coreCheck(issuer: string): Promise<ReportCheck> {
  try {
    const verifier = createAccessTokenVerifier({
      issuer,
      audience: 'tokenward-discover',
      // Discovery works the same for org servers; only their access tokens are refused.
      orgServerRules: false,
      resultCache: false,
    });
    await verifier.warm();
    return {
      status: 'pass',
      label: 'loads keys',
      detail: 'discovery and key set accepted by @tokenward/core',
    };
  } catch (error) {
    if (!isTokenwardError(error)) throw error;
    const meaning = isUpstreamCode(error.code) ? ` (${explain(error.code).meaning})` : '';
    return { status: 'fail', label: 'loads keys', detail: `${error.code}: ${error.message}${meaning}` };
  }
}
