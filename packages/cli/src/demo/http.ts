/**
 * The demo's HTTP client: one connection per request (no keep-alive pool that would outlive the
 * servers at shutdown), the response read whole.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface HttpCall {
  readonly method?: string;
  /** The request target, sent as written (the URL's path would have its `..` resolved first). */
  readonly path?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export function request(url: string, call: HttpCall = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      url,
      {
        method: call.method ?? 'GET',
        headers: call.headers,
        agent: false,
        ...(call.path === undefined ? {} : { path: call.path }),
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () =>
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(call.body);
  });
}

export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** A form POST authenticated with `client_secret_basic` (RFC 6749 §2.3.1). */
function postAsClient(
  url: string,
  client: ClientCredentials,
  form: Record<string, string>,
  extraHeaders: Record<string, string> = {},
): Promise<HttpAnswer> {
  const basic = Buffer.from(
    `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`,
  ).toString('base64');
  return request(url, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
      ...extraHeaders,
    },
    body: new URLSearchParams(form).toString(),
  });
}

/** A token from `tokenEndpoint` by the client_credentials grant (RFC 6749 §4.4, client_secret_basic). */
export async function clientCredentialsToken(
  tokenEndpoint: string,
  client: ClientCredentials,
  scopes: readonly string[],
  extraHeaders: Record<string, string> = {},
): Promise<string> {
  const answer = await postAsClient(
    tokenEndpoint,
    client,
    { grant_type: 'client_credentials', scope: scopes.join(' ') },
    extraHeaders,
  );
  const parsed: unknown = JSON.parse(answer.body);
  const token = (parsed as { access_token?: unknown }).access_token;
  if (answer.status !== 200 || typeof token !== 'string') {
    throw new Error(`token request to ${tokenEndpoint} answered ${answer.status}`);
  }
  return token;
}

/** Revokes `token` at `revocationEndpoint` as its client does (RFC 7009 §2.1). */
export async function revokeToken(
  revocationEndpoint: string,
  client: ClientCredentials,
  token: string,
): Promise<void> {
  const answer = await postAsClient(revocationEndpoint, client, { token, token_type_hint: 'access_token' });
  if (answer.status !== 200) {
    throw new Error(`revocation request to ${revocationEndpoint} answered ${answer.status}`);
  }
}

/** The `code` member of a JSON error body (both adapters send one), if any. */
export function errorCodeOf(answer: HttpAnswer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(answer.body);
    const code = (parsed as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
