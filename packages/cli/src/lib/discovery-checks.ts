/**
 * `discover`'s look at an issuer's metadata: the RFC 8414 path-insertion form, the appended OAuth
 * form and the OpenID configuration (RFC 8414 §3, OpenID Connect Discovery §4), each checked for
 * what a verifier relies on: a 200 JSON object whose `issuer` is exactly the issuer (RFC 8414
 * §3.3, OpenID Connect Discovery §4.3) and a `jwks_uri` served over https (or loopback), on the
 * issuer's origin, the same in every document (RFC 9068 §4).
 */
import { discoveryUrls } from '@tokenward/core';
import { describeStatus } from './failure-cause.js';
import { type HttpGetLimits, httpGet, isLoopbackUrl, jsonObjectOf } from './http-get.js';
import type { ReportCheck, ReportSection } from './report.js';

export interface DiscoveryOutcome {
  readonly sections: readonly ReportSection[];
  /** The `jwks_uri` the documents agree on (the first one found when they disagree). */
  readonly jwksUri: string | undefined;
  /** No document could be fetched because of the network or a server error. */
  readonly unreachable: boolean;
  /** Why the first document that failed to arrive did not (network reason or HTTP status). */
  readonly failure: string | undefined;
  /** The first document that names the issuer exactly, for telling what kind of server it is. */
  readonly metadata: Readonly<Record<string, unknown>> | undefined;
}

interface DocumentForm {
  readonly title: string;
  readonly url: string;
}

const OPENID_SUFFIX = '/.well-known/openid-configuration';
const OAUTH_SUFFIX = '/.well-known/oauth-authorization-server';

/**
 * Core's metadata addresses of `issuer` (three, two for an issuer without a path, where the OAuth
 * forms coincide), each named by its form.
 */
export function metadataForms(issuer: string): DocumentForm[] {
  const origin = new URL(issuer).origin;
  return discoveryUrls(issuer).map((url) => ({
    url,
    title: url.endsWith(OPENID_SUFFIX)
      ? 'OpenID configuration'
      : url.startsWith(`${origin}${OAUTH_SUFFIX}`)
        ? 'OAuth metadata, RFC 8414 form'
        : 'OAuth metadata, appended form',
  }));
}

interface DocumentResult {
  readonly section: ReportSection;
  readonly jwksUri: string | undefined;
  /** `true` network failure or 5xx; `false` answered. */
  readonly unreachable: boolean;
  /** Why the document did not arrive, when it did not. */
  readonly failure?: string;
  /** The document, when it names the issuer exactly. */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/**
 * Fetches and checks every metadata form of `issuer`. `allowedJwksOrigins` are the origins
 * besides the issuer's that the key set may come from (`--jwks-origin`).
 */
export async function checkDiscovery(
  issuer: string,
  limits: HttpGetLimits,
  allowedJwksOrigins: readonly string[],
): Promise<DiscoveryOutcome> {
  const issuerUrl = new URL(issuer);
  const results = await Promise.all(metadataForms(issuer).map((form) => checkDocument(form, issuer, limits)));
  const jwksUris = results.flatMap((result) => (result.jwksUri === undefined ? [] : [result.jwksUri]));
  const summary: ReportCheck[] = [transportCheck('issuer', issuerUrl)];
  if (jwksUris.length === 0) {
    summary.push({ status: 'fail', label: 'metadata', detail: 'no document with a jwks_uri was found' });
  } else if (new Set(jwksUris).size > 1) {
    summary.push({
      status: 'fail',
      label: 'consistent',
      detail: `the documents name different jwks_uri values (RFC 9068 section 4): ${[...new Set(jwksUris)].join(', ')}`,
    });
  } else {
    summary.push({
      status: 'pass',
      label: 'consistent',
      detail: 'every document found names the same jwks_uri',
    });
  }
  const jwksUri = jwksUris[0];
  if (jwksUri !== undefined) summary.push(...jwksUriChecks(jwksUri, issuerUrl, allowedJwksOrigins));
  return {
    sections: [...results.map((result) => result.section), { title: 'Metadata summary', checks: summary }],
    jwksUri,
    unreachable: results.every((result) => result.unreachable),
    failure: results.find((result) => result.failure !== undefined)?.failure,
    metadata: results.find((result) => result.metadata !== undefined)?.metadata,
  };
}

async function checkDocument(
  form: DocumentForm,
  issuer: string,
  limits: HttpGetLimits,
): Promise<DocumentResult> {
  const section = (checks: ReportCheck[]): ReportSection => ({ title: form.title, url: form.url, checks });
  const answer = await httpGet(form.url, limits);
  if (answer.kind === 'unreachable') {
    return {
      section: section([{ status: 'fail', label: 'fetched', detail: answer.reason }]),
      jwksUri: undefined,
      unreachable: true,
      failure: answer.reason,
    };
  }
  const { status, headers } = answer;
  if (status === 404 || status === 405 || status === 410) {
    const detail = `not served (${describeStatus(status)}); verifiers then try the next form`;
    return {
      section: section([{ status: 'warn', label: 'fetched', detail }]),
      jwksUri: undefined,
      unreachable: false,
    };
  }
  if (status !== 200) {
    const location = headers.get('location');
    const detail =
      status >= 300 && status < 400
        ? `redirects (${status}) to ${location ?? '?'}; verifiers do not follow redirects for key material`
        : `answered ${describeStatus(status)}`;
    return {
      section: section([{ status: 'fail', label: 'fetched', detail }]),
      jwksUri: undefined,
      unreachable: status >= 500,
      failure: `${form.url} answered ${describeStatus(status)}`,
    };
  }
  const contentType = headers.get('content-type') ?? '(none)';
  const checks: ReportCheck[] = [
    {
      status: /^application\/json\b/i.test(contentType) ? 'pass' : 'warn',
      label: 'fetched',
      detail: `200, ${contentType}`,
    },
  ];
  const document = jsonObjectOf(answer.body);
  if (document === undefined) {
    checks.push({ status: 'fail', label: 'JSON', detail: 'the body is not a JSON object' });
    return { section: section(checks), jwksUri: undefined, unreachable: false };
  }
  checks.push(
    document.issuer === issuer
      ? {
          status: 'pass',
          label: 'issuer',
          detail: 'equals the issuer exactly (RFC 8414 §3.3, OIDC Discovery §4.3)',
        }
      : {
          status: 'fail',
          label: 'issuer',
          detail: `is ${JSON.stringify(document.issuer)}, not ${JSON.stringify(issuer)}: verifiers must not use this document`,
        },
  );
  const jwksUri = typeof document.jwks_uri === 'string' ? document.jwks_uri : undefined;
  checks.push(
    jwksUri === undefined
      ? { status: 'fail', label: 'jwks_uri', detail: 'missing' }
      : { status: 'pass', label: 'jwks_uri', detail: jwksUri },
  );
  const matches = document.issuer === issuer;
  return {
    section: section(checks),
    jwksUri: matches ? jwksUri : undefined,
    unreachable: false,
    ...(matches && { metadata: document }),
  };
}

function transportCheck(label: string, url: URL): ReportCheck {
  if (url.protocol === 'https:') return { status: 'pass', label, detail: 'https' };
  if (url.protocol === 'http:' && isLoopbackUrl(url)) {
    return { status: 'pass', label, detail: 'plain http, allowed because the host is loopback' };
  }
  return {
    status: 'fail',
    label,
    detail: `${url.protocol.slice(0, -1)}: key material must come over https (RFC 8414 section 6.1)`,
  };
}

function jwksUriChecks(jwksUri: string, issuer: URL, allowedOrigins: readonly string[]): ReportCheck[] {
  let url: URL;
  try {
    url = new URL(jwksUri);
  } catch {
    return [{ status: 'fail', label: 'jwks_uri', detail: 'is not an absolute URL' }];
  }
  return [
    transportCheck('jwks_uri', url),
    url.origin === issuer.origin
      ? { status: 'pass', label: 'jwks origin', detail: "the issuer's own origin" }
      : allowedOrigins.includes(url.origin)
        ? { status: 'pass', label: 'jwks origin', detail: `${url.origin}, allowed with --jwks-origin` }
        : {
            status: 'warn',
            label: 'jwks origin',
            detail: `${url.origin} is not the issuer's origin: allow it with --jwks-origin ${url.origin}`,
          },
  ];
}
