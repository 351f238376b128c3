/**
 * `tokenward inspect`: decodes a token WITHOUT verifying it and says plainly what a verifier
 * would refuse it for, before any network call is made.
 */
import { DEFAULTS } from '@tokenward/core';
import { expectPositionals, parseCommandArgs } from '../lib/args.js';
import { explain } from '../lib/explain.js';
import { describeIssuer } from '../lib/issuer-kind.js';
import { decodeUntrusted } from '../lib/jwt-decode.js';
import { type CliIo, EXIT, type ExitCode, Printer, printJson } from '../lib/output.js';
import { readToken } from '../lib/read-token.js';
import { type Finding, findProblems, isUsableTime } from '../lib/token-findings.js';
import { guessTokenKind } from '../lib/token-kind.js';
import { VERIFIER_FLAGS } from '../lib/verifier-flags.js';

export const INSPECT_HELP = `Usage: tokenward inspect <token|-> [options]

Decodes a JWT WITHOUT verifying it (no signature check, no network) and flags what would make an
API refuse it: expired or not yet valid, an ID token instead of an access token, an org-server
token, scp/scope of the wrong shape, no exp, alg none or HS*. Classifies the issuer (custom
server, default custom server, root-path issuer). Control characters in the token are shown as
escapes. Use \`tokenward verify\` for a verdict you can trust.

Arguments:
  <token>                  the token; "-" reads it from stdin

Options:
  --alg <alg>              an algorithm the API accepts (repeatable; default ${DEFAULTS.algorithms.join(', ')})
  --no-org-server-rules    judge a root-path issuer as another vendor's, not the org server
  --json                   print the decoded content and findings as JSON
  -h, --help               show this help

Examples:
  tokenward inspect "$TOKEN"
  printf %s "$TOKEN" | tokenward inspect - --json
  tokenward inspect "$TOKEN" --alg ES256 --no-org-server-rules

Exit codes: 0 nothing found that would be refused, 1 something would be (or not a JWT), 2 usage error
`;

const OPTIONS = {
  alg: VERIFIER_FLAGS.alg,
  'no-org-server-rules': VERIFIER_FLAGS['no-org-server-rules'],
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const UNTRUSTED_NOTE =
  'decoded WITHOUT verification: nothing here is trusted until `tokenward verify` checks it';

/** Seconds of clock skew assumed, core's default `clockTolerance`. */
const CLOCK_TOLERANCE = DEFAULTS.clockTolerance;

export async function runInspect(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  expectPositionals(positionals, 1, 'the token (or "-" to read it from stdin)');
  const token = await readToken(positionals[0], io.stdin);
  const decoded = decodeUntrusted(token);
  const out = new Printer(io.stdout, io.env);

  if (!decoded.ok) {
    if (values.json)
      printJson(io, { verified: false, note: UNTRUSTED_NOTE, decoded: false, reason: decoded.reason });
    else {
      out.check('fail', `not a readable JWT: ${decoded.reason}`, '', '');
      out.line(`  ${explain('ERR_TOKEN_MALFORMED').action}`);
    }
    return EXIT.invalid;
  }
  const { header, payload } = decoded;
  const issuer = describeIssuer(payload.iss);
  const kind = guessTokenKind(header, payload);
  const findings = findProblems({
    header,
    payload,
    issuer,
    kind,
    now: Date.now() / 1000,
    clockTolerance: CLOCK_TOLERANCE,
    algorithms: values.alg,
    orgServerRules: values['no-org-server-rules'] !== true,
  });
  const wouldFail = findings.some((finding) => finding.severity === 'fail');

  if (values.json) {
    printJson(io, {
      verified: false,
      note: UNTRUSTED_NOTE,
      header,
      claims: payload,
      issuer,
      tokenKind: kind,
      findings: findings.map((finding) => ({
        ...finding,
        ...(finding.code && explain(finding.code, { issuerOrigin: issuer.origin })),
      })),
      wouldFail,
    });
    return wouldFail ? EXIT.invalid : EXIT.ok;
  }
  const { bold, yellow } = out.palette;
  out.line(yellow(`! ${UNTRUSTED_NOTE}`));
  out.line();
  out.line(bold('header'));
  printMembers(out, header);
  out.line(bold('claims'));
  printMembers(out, payload);
  out.line();
  out.line(`${bold('issuer')}      ${issuer.summary}`);
  out.line(`${bold('looks like')}  ${kindLabel(kind.kind)} (${kind.reasons.join('; ')})`);
  out.line();
  printFindings(out, findings);
  return wouldFail ? EXIT.invalid : EXIT.ok;
}

function kindLabel(kind: 'access' | 'id' | 'unknown'): string {
  return kind === 'access' ? 'an access token' : kind === 'id' ? 'an ID token' : 'neither kind clearly';
}

const TIME_CLAIMS = new Set(['exp', 'nbf', 'iat', 'auth_time']);

function printMembers(out: Printer, members: Readonly<Record<string, unknown>>): void {
  for (const [name, value] of Object.entries(members)) {
    const shown = JSON.stringify(value);
    const time =
      TIME_CLAIMS.has(name) && isUsableTime(value)
        ? `  ${out.palette.dim(new Date(value * 1000).toISOString())}`
        : '';
    out.line(`  ${name.padEnd(10)} ${shown}${time}`);
  }
}

function printFindings(out: Printer, findings: readonly Finding[]): void {
  const { bold, green, red } = out.palette;
  const failing = findings.filter((finding) => finding.severity === 'fail');
  out.line(bold('findings'));
  for (const finding of findings) {
    const status = finding.severity === 'fail' ? 'fail' : finding.severity === 'warn' ? 'warn' : 'info';
    const code = finding.code && finding.severity !== 'info' ? ` (${finding.code})` : '';
    out.check(status, finding.check, `${finding.message}${code}`);
  }
  out.line();
  if (failing.length === 0) {
    out.line(
      green(
        'nothing in the content would be refused; `tokenward verify` checks signature, issuer and audience',
      ),
    );
  } else {
    out.line(red(`an API would refuse this token: ${failing.map((finding) => finding.check).join(', ')}`));
  }
}
