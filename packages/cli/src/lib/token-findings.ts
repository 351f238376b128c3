/**
 * What would make a verifier refuse a token, read from its untrusted content: the checks of
 * `inspect`. Each failing finding names the code tokenward would answer with.
 */
import { DEFAULTS, type ErrorCode } from '@tokenward/core';
import type { IssuerDescription } from './issuer-kind.js';
import { formatDuration } from './output.js';
import type { TokenKindGuess } from './token-kind.js';

export interface Finding {
  /** `fail`: a verifier refuses the token; `warn`: it may; `info`: worth knowing. */
  readonly severity: 'fail' | 'warn' | 'info';
  /** Short name of what was looked at, e.g. `exp`, `alg`, `scopes`. */
  readonly check: string;
  readonly message: string;
  /** The code a tokenward verifier would refuse the token with. */
  readonly code?: ErrorCode;
}

export interface TokenFacts {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly issuer: IssuerDescription;
  readonly kind: TokenKindGuess;
  /** Epoch seconds. */
  readonly now: number;
  /** Seconds of clock skew a verifier allows (core's default is 30). */
  readonly clockTolerance: number;
  /** The algorithms given with `--alg`; `undefined` for core's default allow-list. */
  readonly algorithms: readonly string[] | undefined;
  /** False with `--no-org-server-rules`: a root-path issuer is then verified generically. */
  readonly orgServerRules: boolean;
}

export function findProblems(facts: TokenFacts): Finding[] {
  return [
    ...algorithmFindings(facts.header, facts.algorithms),
    ...typeFindings(facts),
    ...timeFindings(facts),
    ...issuerFindings(facts),
    ...requiredClaimFindings(facts.payload),
    ...scopeFindings(facts),
  ];
}

function algorithmFindings(header: TokenFacts['header'], algorithms: TokenFacts['algorithms']): Finding[] {
  const { alg } = header;
  const findings: Finding[] = [];
  if (typeof alg !== 'string') {
    findings.push({
      severity: 'fail',
      check: 'alg',
      message: 'the header has no "alg"',
      code: 'ERR_TOKEN_MALFORMED',
    });
  } else if (alg.toLowerCase() === 'none') {
    findings.push({
      severity: 'fail',
      check: 'alg',
      message: `alg "${alg}": the token is unsigned, so anyone could have written it; never accepted`,
      code: 'ERR_ALG_NOT_ALLOWED',
    });
  } else if (/^HS/i.test(alg)) {
    findings.push({
      severity: 'fail',
      check: 'alg',
      message: `alg "${alg}": signed with a shared secret, so whoever verifies could also mint tokens; never accepted`,
      code: 'ERR_ALG_NOT_ALLOWED',
    });
  } else if (!(algorithms ?? DEFAULTS.algorithms).includes(alg)) {
    findings.push(
      algorithms === undefined
        ? {
            severity: 'warn',
            check: 'alg',
            message: `alg "${alg}" is accepted only when allowed (--alg ${alg}; default ${DEFAULTS.algorithms.join(', ')})`,
            code: 'ERR_ALG_NOT_ALLOWED',
          }
        : {
            severity: 'fail',
            check: 'alg',
            message: `alg "${alg}" is not among the algorithms allowed with --alg (${algorithms.join(', ')})`,
            code: 'ERR_ALG_NOT_ALLOWED',
          },
    );
  }
  if ('crit' in header || 'b64' in header) {
    findings.push({
      severity: 'fail',
      check: 'crit',
      message: 'the header demands JWS extensions ("crit"/"b64") that are not supported',
      code: 'ERR_CRIT_UNSUPPORTED',
    });
  }
  if (header.kid === undefined) {
    findings.push({
      severity: 'warn',
      check: 'kid',
      message: 'no kid: only a key set with a single usable key can verify it',
    });
  }
  return findings;
}

function typeFindings({ header, payload, issuer, kind, orgServerRules }: TokenFacts): Finding[] {
  if (kind.kind === 'id') {
    return [
      {
        severity: 'fail',
        check: 'type',
        message: `an ID token, not an access token (${kind.reasons.join('; ')}); APIs accept access tokens only`,
        code: 'ERR_TYPE_INVALID',
      },
    ];
  }
  const typ = header.typ;
  if (typ !== undefined && (typeof typ !== 'string' || !/^(?:application\/)?(?:at\+)?jwt$/i.test(typ))) {
    return [
      {
        severity: 'fail',
        check: 'typ',
        message: `header typ ${JSON.stringify(typ)} is not an access-token type (at+jwt, JWT or none)`,
        code: 'ERR_TYPE_INVALID',
      },
    ];
  }
  const typed = typeof typ === 'string' && /at\+jwt$/i.test(typ);
  const rootPath = issuer.kind === 'org' || issuer.kind === 'root';
  const vendorServer = issuer.kind === 'custom' || (rootPath && orgServerRules);
  if (vendorServer && !typed && payload.cid === undefined && payload.client_id === undefined) {
    return [
      {
        severity: 'fail',
        check: 'client id',
        message: 'no client id (cid or client_id): access tokens of these servers always name their client',
        code: 'ERR_TYPE_INVALID',
      },
    ];
  }
  return [];
}

function timeFindings({ payload, now, clockTolerance }: TokenFacts): Finding[] {
  const findings: Finding[] = [];
  const { exp, nbf, iat } = payload;
  if (exp === undefined) {
    findings.push({
      severity: 'fail',
      check: 'exp',
      message: 'no exp: the token never expires, so it is refused',
      code: 'ERR_CLAIM_MISSING',
    });
  } else if (!isUsableTime(exp)) {
    findings.push({
      severity: 'fail',
      check: 'exp',
      message: `exp ${describeBadTime(exp)}`,
      code: 'ERR_CLAIM_INVALID',
    });
  } else if (now >= exp) {
    const within = now < exp + clockTolerance;
    findings.push({
      severity: within ? 'warn' : 'fail',
      check: 'exp',
      message:
        `expired ${formatDuration(now - exp)} ago (${isoTime(exp)})` +
        (within ? `, still inside the ${clockTolerance} s clock tolerance` : ''),
      code: 'ERR_TOKEN_EXPIRED',
    });
  } else {
    findings.push({
      severity: 'info',
      check: 'exp',
      message: `expires in ${formatDuration(exp - now)} (${isoTime(exp)})`,
    });
  }
  for (const [name, value, what] of [
    ['nbf', nbf, 'not valid before'],
    ['iat', iat, 'issued in the future, at'],
  ] as const) {
    if (value === undefined) continue;
    if (!isUsableTime(value)) {
      findings.push({
        severity: 'fail',
        check: name,
        message: `${name} ${describeBadTime(value)}`,
        code: 'ERR_CLAIM_INVALID',
      });
    } else if (value > now + clockTolerance) {
      findings.push({
        severity: 'fail',
        check: name,
        message: `${what} ${isoTime(value)}, ${formatDuration(value - now)} from now (check the clocks)`,
        code: 'ERR_TOKEN_NOT_YET_VALID',
      });
    }
  }
  return findings;
}

function issuerFindings({ payload, issuer, kind, orgServerRules }: TokenFacts): Finding[] {
  if (payload.iss === undefined) {
    return [
      {
        severity: 'fail',
        check: 'iss',
        message: 'no iss: nobody vouches for this token',
        code: 'ERR_CLAIM_MISSING',
      },
    ];
  }
  if (issuer.kind === 'invalid') {
    return [
      { severity: 'fail', check: 'iss', message: `iss is ${issuer.summary}`, code: 'ERR_ISSUER_MISMATCH' },
    ];
  }
  const rootPath = issuer.kind === 'org' || issuer.kind === 'root';
  if (rootPath && orgServerRules && kind.kind !== 'id') {
    // With the default org-server rules every root-path issuer is taken for the org server.
    return [
      {
        severity: 'fail',
        check: 'iss',
        message:
          'an access token from a root-path issuer, which APIs take for the org server: its access tokens ' +
          "are for the vendor's own APIs, so APIs refuse it; use a custom authorization server such as " +
          `${issuer.origin}/oauth2/default, or --no-org-server-rules if the issuer is another vendor's`,
        code: 'ERR_ORG_SERVER_TOKEN',
      },
    ];
  }
  return [];
}

function requiredClaimFindings(payload: TokenFacts['payload']): Finding[] {
  const findings: Finding[] = [];
  for (const name of ['sub', 'aud'] as const) {
    if (payload[name] === undefined) {
      findings.push({
        severity: 'fail',
        check: name,
        message: `no ${name}: access tokens must carry it`,
        code: 'ERR_CLAIM_MISSING',
      });
    }
  }
  return findings;
}

function scopeFindings({ payload, kind }: TokenFacts): Finding[] {
  const { scp, scope } = payload;
  const findings: Finding[] = [];
  if (scp !== undefined && !(Array.isArray(scp) && scp.every((item) => typeof item === 'string'))) {
    findings.push({
      severity: 'fail',
      check: 'scp',
      message: `scp must be an array of strings (the vendor's form); this one is ${describeShape(scp)}`,
      code: 'ERR_CLAIM_INVALID',
    });
  }
  if (scope !== undefined && typeof scope !== 'string') {
    findings.push({
      severity: 'fail',
      check: 'scope',
      message: `scope must be one space-separated string (RFC 9068 §2.2.3); this one is ${describeShape(scope)}`,
      code: 'ERR_CLAIM_INVALID',
    });
  }
  if (scp !== undefined && scope !== undefined) {
    findings.push({
      severity: 'info',
      check: 'scopes',
      message: 'both scp and scope are present; tokenward merges them',
    });
  }
  if (scp === undefined && scope === undefined && kind.kind !== 'id') {
    findings.push({
      severity: 'info',
      check: 'scopes',
      message: 'no scopes (scp/scope): routes that require one answer 403',
    });
  }
  return findings;
}

function describeShape(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : `a ${typeof value}`;
}

/**
 * A NumericDate (RFC 7519 section 2) a verifier can compare and a person can read: a finite
 * number of seconds that is a date at all (JavaScript dates end in the year 275760; exp 1e20
 * is past that and would never expire).
 */
export function isUsableTime(value: unknown): value is number {
  return (
    typeof value === 'number' && Number.isFinite(value) && !Number.isNaN(new Date(value * 1000).getTime())
  );
}

function describeBadTime(value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'is not a number of seconds';
  return `${String(value).slice(0, 40)} is beyond any date (the last is in the year 275760)`;
}

function isoTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}
