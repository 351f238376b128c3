/**
 * `tokenward verify`: verifies a token for real with core's Node entry (discovery, JWKS,
 * signature, claims) and explains the verdict check by check.
 */
import {
  type AccessTokenResult,
  type AccessTokenVerifier,
  createAccessTokenVerifier,
  DEFAULTS,
  type DpopOptions,
  isScopeToken,
  isTokenwardError,
  TokenwardError,
} from '@tokenward/core';
import {
  expectPositionals,
  type ParsedCommandArgs,
  parseCommandArgs,
  requireUrl,
  UsageError,
} from '../lib/args.js';
import { DPOP_FLAGS, dpopFromFlags } from '../lib/dpop-flags.js';
import { explain, isUpstreamCode } from '../lib/explain.js';
import { describeIssuer } from '../lib/issuer-kind.js';
import { decodeUntrusted } from '../lib/jwt-decode.js';
import { type CliIo, EXIT, type ExitCode, formatDuration, Printer, printJson } from '../lib/output.js';
import { readToken } from '../lib/read-token.js';
import { bindingOf } from '../lib/token-binding.js';
import { inFlagTerms, settingsFromFlags, VERIFIER_FLAGS } from '../lib/verifier-flags.js';
import { type StageResult, stageResults } from '../lib/verify-stages.js';

export const VERIFY_HELP = `Usage: tokenward verify <token|-> --issuer <url> --audience <aud> [options]

Verifies an access token the way an API protected by tokenward does: fetches the issuer's
discovery document and key set, checks the signature, issuer, audience, lifetime, type and
scopes, and explains the first check that failed. The token is never printed.

Arguments:
  <token>                  the access token; "-" reads it from stdin (keeps it out of shell history)

Options:
  --issuer <url>           the authorization server the API trusts, exactly as its iss claim
  --audience <aud>         the audience the API answers to (repeatable: any one must match)
  --scope <scope>          a scope the route requires (repeatable: all must be granted)
  --alg <alg>              a signature algorithm to accept, e.g. ES256 or PS256 (repeatable;
                           default ${DEFAULTS.algorithms.join(', ')}; none and HS* are never accepted)
  --no-org-server-rules    a root-path issuer (https://host) is another vendor's issuer, not
                           the vendor's org server, whose access tokens APIs refuse
  --jwks-origin <origin>   an origin besides the issuer's that may serve its key set (repeatable)
  --max-token-size <bytes> the largest token accepted (default ${DEFAULTS.maxTokenSize})
  --introspect             also ask the issuer whether the token is active (RFC 7662): opaque
                           tokens, and revoked JWTs that still verify locally; authenticates as
                           --client-id with the client secret in TOKENWARD_CLIENT_SECRET
  --client-id <id>         the client the introspection request authenticates as
  --dpop-proof <jwt>       the DPoP proof sent with a DPoP-bound token (RFC 9449); needs:
  --method <method>        the request's method, e.g. GET
  --url <url>              the URL the request was sent to (its origin is the API's)
  --json                   print the verdict as JSON
  -h, --help               show this help

Examples:
  tokenward verify "$TOKEN" --issuer https://acme.okta.com/oauth2/default --audience api://default
  printf %s "$TOKEN" | tokenward verify - --issuer https://acme.okta.com/oauth2/default \\
      --audience api://default --scope orders:read --json
  tokenward verify "$TOKEN" --issuer https://id.example.com --audience https://api.example.com \\
      --alg ES256 --no-org-server-rules
  TOKENWARD_CLIENT_SECRET=... tokenward verify "$TOKEN" --issuer https://acme.okta.com/oauth2/default \\
      --audience api://default --introspect --client-id 0oa8f5j3ecb5w3dF35d7
  tokenward verify "$TOKEN" --issuer https://acme.okta.com/oauth2/default --audience api://default \\
      --dpop-proof "$PROOF" --method GET --url https://api.example.com/orders

Exit codes: 0 valid, 1 refused, 2 usage error, 3 could not reach the issuer (503 codes)
`;

const OPTIONS = {
  issuer: { type: 'string' },
  audience: { type: 'string', multiple: true },
  scope: { type: 'string', multiple: true },
  ...VERIFIER_FLAGS,
  'max-token-size': { type: 'string' },
  introspect: { type: 'boolean' },
  'client-id': { type: 'string' },
  ...DPOP_FLAGS,
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type VerifyValues = ParsedCommandArgs<typeof OPTIONS>['values'];

export async function runVerify(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  expectPositionals(positionals, 1, 'the token (or "-" to read it from stdin)');
  const issuer = requireUrl(values.issuer, '--issuer');
  const audiences = values.audience ?? [];
  if (audiences.length === 0)
    throw new UsageError('--audience is required (an API must check aud: RFC 8725 section 3.9)');
  const scopes = values.scope ?? [];
  if (!scopes.every(isScopeToken)) {
    throw new UsageError('--scope takes one scope token each (visible ASCII without spaces, " or \\)');
  }
  const dpop = dpopFromFlags(values);
  const verifier = buildVerifier(
    issuer,
    audiences,
    values,
    introspectionClient(values, io.env),
    dpop?.option,
  );
  const token = await readToken(positionals[0], io.stdin);
  const requirements = {
    ...(scopes.length === 0 ? {} : { scopes }),
    ...(dpop === undefined ? {} : { dpop: dpop.request }),
  };

  let result: AccessTokenResult | undefined;
  let failure: TokenwardError | undefined;
  try {
    result = await verifier.verify(token, requirements);
  } catch (error) {
    if (!isTokenwardError(error)) throw error;
    // A --scope that is not a scope token (RFC 6749 section 3.3) is the command line's fault.
    if (error.code === 'ERR_CONFIG') throw new UsageError(inFlagTerms(error.message));
    failure = error;
  }
  if (result !== undefined) {
    failure = unusableExpiry(result);
    if (failure !== undefined) result = undefined;
  }
  const decoded = decodeUntrusted(token);
  const iss = decoded.ok ? decoded.payload.iss : undefined;
  const binding = decoded.ok ? bindingOf(decoded.payload.cnf) : undefined;
  const message = failure && inFlagTerms(failure.message);
  const checks = stageResults(failure && { code: failure.code, message: message ?? '' }, {
    issMissing: typeof iss !== 'string',
    scopesRequired: scopes.length > 0,
    introspection:
      values.introspect === true ? (token.split('.').length === 3 ? 'jwt' : 'opaque') : undefined,
    dpopProof: dpop !== undefined,
    binding,
  });
  const exitCode =
    failure === undefined ? EXIT.ok : isUpstreamCode(failure.code) ? EXIT.unreachable : EXIT.invalid;
  const explanation = failure && explain(failure.code, { issuerOrigin: describeIssuer(iss).origin, binding });

  if (values.json) {
    printJson(io, {
      outcome: exitCode === EXIT.ok ? 'valid' : exitCode === EXIT.unreachable ? 'unreachable' : 'invalid',
      issuer,
      audience: audiences,
      requiredScopes: scopes,
      checks,
      ...(result && { token: summarize(result) }),
      ...(failure && {
        error: {
          code: failure.code,
          status: failure.status,
          oauthError: failure.oauthError ?? null,
          message,
          ...explanation,
        },
      }),
    });
    return exitCode;
  }
  const out = new Printer(io.stdout, io.env);
  const { bold, green, red, yellow } = out.palette;
  if (result !== undefined) out.line(green(bold('✓ valid access token')));
  else if (exitCode === EXIT.unreachable) {
    out.line(yellow(bold(`! could not verify: ${failure?.code} (an API would answer 503 with Retry-After)`)));
  } else out.line(red(bold(`✗ refused: ${failure?.code} (${failure?.status} ${failure?.oauthError})`)));
  printChecks(out, checks);
  if (result !== undefined) printSummary(out, result);
  if (failure !== undefined && explanation !== undefined) {
    out.line();
    out.line(`  ${bold('why')}         ${explanation.meaning}`);
    out.line(`  ${bold('what to do')}  ${explanation.action}`);
  }
  return exitCode;
}

/** The `--introspect` client: `--client-id` and the secret from the environment (never a flag: shell history). */
function introspectionClient(
  values: VerifyValues,
  env: CliIo['env'],
): { clientId: string; clientSecret: string } | undefined {
  if (values.introspect !== true) {
    if (values['client-id'] !== undefined) throw new UsageError('--client-id is for --introspect');
    return undefined;
  }
  const clientId = values['client-id'];
  const clientSecret = env.TOKENWARD_CLIENT_SECRET;
  if (clientId === undefined || clientId === '') {
    throw new UsageError(
      '--introspect needs --client-id: introspection endpoints require the caller to authenticate',
    );
  }
  if (clientSecret === undefined || clientSecret === '') {
    throw new UsageError(
      '--introspect needs the client secret in the environment variable TOKENWARD_CLIENT_SECRET',
    );
  }
  return { clientId, clientSecret };
}

function buildVerifier(
  issuer: string,
  audiences: readonly string[],
  values: VerifyValues,
  client: { clientId: string; clientSecret: string } | undefined,
  dpop: DpopOptions | undefined,
): AccessTokenVerifier {
  const settings = settingsFromFlags(values);
  if (settings.orgServerRules !== false && describeIssuer(issuer).kind === 'root') {
    // Said here rather than relayed from core, so the advice names this command's flags.
    const origin = new URL(issuer).origin;
    throw new UsageError(
      `--issuer ${origin} is a root-path issuer, which tokenward treats as the vendor's org ` +
        "authorization server (its access tokens are for the vendor's own APIs, not yours): give a " +
        `custom authorization server such as ${origin}/oauth2/default, or add --no-org-server-rules ` +
        "if this issuer is another vendor's",
    );
  }
  try {
    return createAccessTokenVerifier({
      issuer,
      audience: audiences,
      ...settings,
      ...(values['max-token-size'] !== undefined && { maxTokenSize: byteCount(values['max-token-size']) }),
      // One token, one verification: a result cache would only hold the token in memory longer.
      resultCache: false,
      // 'always': a JWT is checked locally and then introspected; an opaque token is introspected.
      ...(client && { introspection: { mode: 'always', ...client, maxCacheAge: 0 } }),
      ...(dpop === undefined ? {} : { dpop }),
    });
  } catch (error) {
    if (isTokenwardError(error) && error.code === 'ERR_CONFIG')
      throw new UsageError(inFlagTerms(error.message));
    throw error;
  }
}

function byteCount(value: string): number {
  if (!/^\d{1,9}$/.test(value))
    throw new UsageError(`--max-token-size takes a number of bytes; found "${value}"`);
  return Number(value);
}

/**
 * A refusal for an `exp` so large that it is no date at all (beyond the year 275760, e.g. 1e20):
 * such a token never expires in practice, and its expiry cannot even be printed. RFC 7519
 * section 2 makes a NumericDate a number of seconds, which a verifier may bound.
 */
function unusableExpiry(result: AccessTokenResult): TokenwardError | undefined {
  if (!Number.isNaN(result.expiresAt.getTime())) return undefined;
  return new TokenwardError(
    'ERR_CLAIM_INVALID',
    `expected exp to be a NumericDate within the representable dates; found ${String(result.claims.exp).slice(0, 40)}`,
  );
}

function printChecks(out: Printer, checks: readonly StageResult[]): void {
  for (const check of checks) out.check(check.status, check.name, check.detail);
}

function summarize(result: AccessTokenResult) {
  return {
    subject: result.subject,
    clientId: result.clientId ?? null,
    scopes: result.scopes,
    audience: result.audience,
    issuer: result.issuer,
    server: result.server,
    expiresAt: result.expiresAt.toISOString(),
    dpopThumbprint: result.dpop?.thumbprint ?? null,
    header:
      result.header === undefined
        ? null
        : { alg: result.header.alg, kid: result.header.kid ?? null, typ: result.header.typ ?? null },
  };
}

function printSummary(out: Printer, result: AccessTokenResult): void {
  const seconds = (result.expiresAt.getTime() - Date.now()) / 1000;
  out.line();
  out.line(`  subject     ${result.subject}`);
  out.line(`  client      ${result.clientId ?? '(none)'}`);
  out.line(`  scopes      ${result.scopes.length === 0 ? '(none)' : result.scopes.join(' ')}`);
  out.line(`  audience    ${result.audience.join(', ')}`);
  out.line(`  server      ${serverSummary(result)}`);
  const { header } = result;
  out.line(
    header === undefined
      ? '  verified    by introspection (an opaque token)'
      : `  signed      ${header.alg}${header.kid === undefined ? '' : `, kid ${header.kid}`}`,
  );
  out.line(`  expires     in ${formatDuration(seconds)} (${result.expiresAt.toISOString()})`);
  if (result.dpop !== undefined) out.line(`  bound to    the DPoP key ${result.dpop.thumbprint} (cnf.jkt)`);
}

/** The server that signed, as core classified it under the flags given. */
function serverSummary(result: AccessTokenResult): string {
  if (result.server.kind === 'other' && describeIssuer(result.issuer).kind === 'root') {
    return `${result.issuer}, a root-path issuer verified generically (--no-org-server-rules)`;
  }
  return describeIssuer(result.issuer).summary;
}
