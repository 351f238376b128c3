/**
 * Envoy's gRPC external authorization service, `envoy.service.auth.v3.Authorization/Check`, over
 * the protocol definitions in this package's `proto/` folder (Envoy's field numbers).
 */
import { fileURLToPath } from 'node:url';
import {
  loadPackageDefinition,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceDefinition,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { type AccessTokenResult, TokenwardError } from '@tokenward/core';
import { httpAnswer } from '../decision/answer.js';
import type { Decision } from '../decision/decide.js';
import { headersEnvoyRemoves } from '../decision/identity.js';
import { checked, type OriginalRequest } from '../request/original-request.js';
import { type AuthorizerState, decideAndRecord } from './state.js';

// src/lib/server and dist/lib/server both sit three levels below the package root.
const PROTO_ROOT = fileURLToPath(new URL('../../../proto/', import.meta.url));
const SERVICE_FILE = 'envoy/service/auth/v3/external_auth.proto';

/** Envoy's `AttributeContext.HttpRequest`, as decoded (snake_case names, as in the definitions). */
export interface EnvoyHttpRequest {
  method?: string;
  headers?: Record<string, string>;
  path?: string;
  host?: string;
  scheme?: string;
  header_map?: { headers?: { key?: string; value?: string; raw_value?: Uint8Array }[] } | null;
}

interface CheckRequest {
  attributes?: { request?: { http?: EnvoyHttpRequest | null } | null } | null;
}

// google.rpc.Code numbers for the HTTP answers a refusal can have.
const GRPC_CODE: Readonly<Record<number, number>> = { 400: 3, 401: 16, 403: 7, 500: 13, 503: 14 };
const OVERWRITE_IF_EXISTS_OR_ADD = 2;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The definitions, parsed: the service of `Check`. */
export function authorizationService(): ServiceDefinition {
  const definition = loadSync(SERVICE_FILE, {
    includeDirs: [PROTO_ROOT],
    keepCase: true,
    longs: String,
    enums: Number,
    defaults: true,
    oneofs: true,
  });
  const loaded = loadPackageDefinition(definition) as unknown as {
    envoy: { service: { auth: { v3: { Authorization: { service: ServiceDefinition } } } } };
  };
  return loaded.envoy.service.auth.v3.Authorization.service;
}

/** A gRPC server answering `Check` (not yet bound). */
export function createCheckServer(state: AuthorizerState): Server {
  const server = new Server();
  server.addService(authorizationService(), {
    Check(call: ServerUnaryCall<CheckRequest, unknown>, callback: sendUnaryData<unknown>) {
      void decideAndRecord(state, 'envoy_grpc', () => fromCheckRequest(call.request)).then((decision) => {
        let response: unknown;
        try {
          response = checkResponse(decision, state);
        } catch (error) {
          // Never a crash: Envoy gets a refusal, the operator the cause.
          state.log(`answer failed: ${String(error)}`);
          response = { status: { code: 13, message: '' }, denied_response: { status: { code: 500 } } };
        }
        callback(null, response);
      });
    },
  });
  return server;
}

/** The original request described by a `CheckRequest`. */
export function fromCheckRequest(request: CheckRequest): OriginalRequest {
  const http = request.attributes?.request?.http;
  if (http === undefined || http === null || !http.method || !http.path) {
    throw new TokenwardError('ERR_INVALID_REQUEST', 'the CheckRequest carries no HTTP method and path');
  }
  const listed = http.header_map?.headers ?? [];
  const rawHeaders = listed.flatMap((header) => [
    header.key ?? '',
    header.value || Buffer.from(header.raw_value ?? new Uint8Array()).toString('latin1'),
  ]);
  const headers: Record<string, string> = { ...(http.headers ?? {}) };
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]!.toLowerCase();
    headers[name] =
      headers[name] === undefined ? rawHeaders[index + 1]! : `${headers[name]}, ${rawHeaders[index + 1]}`;
  }
  return checked({
    method: http.method,
    scheme: http.scheme || 'http',
    authority: http.host || headers[':authority'] || headers.host,
    target: http.path,
    headers,
    ...(rawHeaders.length > 0 ? { rawHeaders } : {}),
  });
}

function checkResponse(decision: Decision, state: AuthorizerState) {
  const names = state.policy().definition.identityHeaders;
  const answer = httpAnswer(decision, names);
  const options = Object.entries(answer.headers).map(([key, value]) => ({
    header: { key, value },
    append_action: OVERWRITE_IF_EXISTS_OR_ADD,
  }));
  if (decision.allowed) {
    // The identity goes onto the request Envoy forwards; a fresh DPoP nonce and its no-store are
    // for the client (RFC 9449 section 8.2), on the answer: response_headers_to_add.
    const forClient = new Set(Object.keys(decision.responseHeaders ?? {}));
    return {
      status: { code: 0, message: '' },
      ok_response: {
        headers: options.filter((option) => !forClient.has(option.header.key)),
        headers_to_remove: headersEnvoyRemoves(names, answer.headers),
        response_headers_to_add: options.filter((option) => forClient.has(option.header.key)),
      },
      ...(decision.token === undefined ? {} : { dynamic_metadata: identityMetadata(decision.token) }),
    };
  }
  const body = JSON.parse(answer.body ?? '{}') as { error_description?: string };
  return {
    status: { code: GRPC_CODE[answer.status] ?? 13, message: body.error_description ?? '' },
    denied_response: { status: { code: answer.status }, headers: options, body: answer.body ?? '' },
  };
}

/**
 * The verified identity as a `google.protobuf.Struct`, which Envoy keeps as dynamic metadata under
 * `envoy.filters.http.ext_authz` (`%DYNAMIC_METADATA(envoy.filters.http.ext_authz:subject)%` in an
 * access log). Values as the token has them: metadata is not a header, but a protobuf string must be
 * well-formed UTF-8, so a lone surrogate becomes U+FFFD.
 */
function identityMetadata(token: AccessTokenResult) {
  const text = (value: string) => ({ stringValue: value.replace(LONE_SURROGATE, '\uFFFD') });
  // protobufjs defines the well-known types with camelCase field names, whatever keepCase says.
  const fields: Record<string, unknown> = {
    subject: text(token.subject),
    scopes: { listValue: { values: token.scopes.map(text) } },
    issuer: text(token.issuer),
  };
  if (token.clientId !== undefined) fields.client_id = text(token.clientId);
  return { fields };
}

/** Binds `server` on `host:port`; resolves to the bound port. */
export function bindCheckServer(server: Server, host: string, port: number): Promise<number> {
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new Promise((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
}
