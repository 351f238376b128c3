/**
 * `tokenward discover`: fetches an issuer's discovery documents and key set, checks what a
 * verifier relies on, and finally lets `@tokenward/core` load them the way an API would.
 */
import { createAccessTokenVerifier, DEFAULTS, isTokenwardError, parseIssuer } from '@tokenward/core';
import { expectPositionals, parseCommandArgs, requireUrl, UsageError } from '../lib/args.js';
import { checkDiscovery } from '../lib/discovery-checks.js';
import { explain, isUpstreamCode } from '../lib/explain.js';
import { withCause } from '../lib/failure-cause.js';
import { describeIssuer } from '../lib/issuer-kind.js';
import { checkJwks, type KeySummary } from '../lib/jwks-checks.js';
import { type CliIo, EXIT, type ExitCode, Printer, printJson } from '../lib/output.js';
import { printSections, type ReportCheck, type ReportSection, tally } from '../lib/report.js';
import { inFlagTerms, settingsFromFlags, VERIFIER_FLAGS } from '../lib/verifier-flags.js';

export const DISCOVER_HELP = `Usage: tokenward discover <issuer> [options]

Fetches the issuer's metadata in all three forms (RFC 8414 path insertion, appended OAuth form,
OpenID configuration) and its key set, and checks them: the issuer in each document equals the
issuer exactly, https unless loopback, jwks_uri on the issuer's origin, Cache-Control max-age,
kids present and unique, use/alg, RSA keys of at least 2048 bits, no private keys. Then lets
@tokenward/core load discovery and keys as an API would. A root-path issuer is called the org
server only when its metadata has the vendor's shape. A fetch that fails says why.

Arguments:
  <issuer>                 the issuer URL, e.g. https://acme.okta.com/oauth2/default

Options:
  --alg <alg>              an algorithm the API accepts (repeatable; default ${DEFAULTS.algorithms.join(', ')}), for the
                           last check: the key set must hold a key for one of them
  --jwks-origin <origin>   an origin besides the issuer's that may serve its key set (repeatable)
  --json                   print the checks as JSON
  -h, --help               show this help

Examples:
  tokenward discover https://acme.okta.com/oauth2/default
  tokenward discover http://127.0.0.1:8080/oauth2/payments --json
  tokenward discover https://id.example.com --alg ES256

Exit codes: 0 every check passed, 1 a check failed, 2 usage error, 3 could not reach the issuer
`;

const OPTIONS = {
  alg: VERIFIER_FLAGS.alg,
  'jwks-origin': VERIFIER_FLAGS['jwks-origin'],
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
  try {
    parseIssuer(issuer);
  } catch (error) {
    if (isTokenwardError(error)) throw new UsageError(inFlagTerms(error.message, DISCOVER_FLAG_NAMES));
    throw error;
  }
  const settings = settingsFromFlags(values);

  const discovery = await checkDiscovery(issuer, METADATA_LIMITS, settings.allowedJwksOrigins ?? []);
  const classification = describeIssuer(issuer, discovery.metadata);
  const sections: ReportSection[] = [...discovery.sections];
  let keys: readonly KeySummary[] = [];
  let unreachable = discovery.unreachable;
  let failure = discovery.unreachable ? discovery.failure : undefined;
  if (discovery.jwksUri !== undefined) {
    const jwks = await checkJwks(discovery.jwksUri, JWKS_LIMITS);
    sections.push(jwks.section);
    keys = jwks.keys;
    if (jwks.unreachable) {
      unreachable = true;
      failure = jwks.failure;
    }
  }
  if (!unreachable) sections.push({ title: 'tokenward', checks: [await coreCheck(issuer, settings, keys)] });

  const { failed, warnings } = tally(sections);
  const exitCode = unreachable ? EXIT.unreachable : failed > 0 ? EXIT.invalid : EXIT.ok;
  if (values.json) {
    printJson(io, {
      issuer,
      classification,
      outcome: exitCode === EXIT.ok ? 'ok' : exitCode === EXIT.unreachable ? 'unreachable' : 'failed',
      ...(failure !== undefined && { unreachableBecause: failure }),
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
  if (exitCode === EXIT.unreachable) {
    out.line(yellow(bold(`! could not reach the issuer${warned}`)));
    if (failure !== undefined) out.line(`  ${bold('because')} ${failure}`);
  } else if (exitCode === EXIT.invalid)
    out.line(red(bold(`✗ ${failed} check${failed === 1 ? '' : 's'} failed${warned}`)));
  else out.line(green(bold(`✓ every check passed${warned}`)));
  return exitCode;
}

/** How core's option names read in `discover`'s messages. */
const DISCOVER_FLAG_NAMES = {
  issuer: 'the issuer argument',
  algorithms: '--alg',
  allowedJwksOrigins: '--jwks-origin',
};

/** Core's own verdict: discovery and the key set loaded through the Node entry, as an API would. */
async function coreCheck(
  issuer: string,
  settings: ReturnType<typeof settingsFromFlags>,
  keys: readonly KeySummary[],
): Promise<ReportCheck> {
  try {
    const verifier = createAccessTokenVerifier({
      issuer,
      audience: 'tokenward-discover',
      ...settings,
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
    const detail = `${error.code}: ${inFlagTerms(withCause(error), DISCOVER_FLAG_NAMES)}${meaning}`;
    return { status: 'fail', label: 'loads keys', detail: `${detail}${algorithmHint(settings, keys)}` };
  }
}

/** When the keys name algorithms the allow-list lacks, the --alg that would let core use them. */
function algorithmHint(settings: ReturnType<typeof settingsFromFlags>, keys: readonly KeySummary[]): string {
  const allowed = settings.algorithms ?? DEFAULTS.algorithms;
  const missing = [...new Set(keys.flatMap((key) => (key.alg === null ? [] : [key.alg])))].filter(
    (alg) => !allowed.includes(alg) && alg.toLowerCase() !== 'none' && !/^HS/i.test(alg),
  );
  return missing.length === 0
    ? ''
    : `; the keys are for ${missing.join(', ')}: add ${missing.map((alg) => `--alg ${alg}`).join(' ')}`;
}
