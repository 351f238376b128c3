/**
 * A grpc-js client playing Envoy: it sends real CheckRequest messages, encoded from a fuller
 * definition than the gateway's (peers, a timestamp, a body), as Envoy fills them in.
 */
import { fileURLToPath } from 'node:url';
import { credentials, loadPackageDefinition, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

export interface HeaderOption {
  header: { key: string; value: string };
  append_action: number;
}

/** A `google.protobuf.Struct` value as decoded (protobufjs spells the well-known types in camelCase). */
export interface StructValue {
  stringValue?: string;
  listValue?: { values: StructValue[] };
}

export interface CheckResponse {
  status: { code: number; message: string };
  dynamic_metadata?: { fields: Record<string, StructValue> } | null;
  http_response: 'ok_response' | 'denied_response';
  ok_response?: {
    headers: HeaderOption[];
    headers_to_remove: string[];
    response_headers_to_add: HeaderOption[];
  };
  denied_response?: { status: { code: number }; headers: HeaderOption[]; body: string };
}

export interface CheckClient {
  /** Sends a CheckRequest whose `attributes.request.http` is `http` (beside Envoy's other fields). */
  check(http: Record<string, unknown>): Promise<CheckResponse>;
  close(): void;
}

export function connectCheckClient(address: string): CheckClient {
  const definition = loadSync(fileURLToPath(new URL('../fixtures/envoy-client.proto', import.meta.url)), {
    keepCase: true,
    longs: String,
    defaults: true,
    oneofs: true,
  });
  const loaded = loadPackageDefinition(definition) as unknown as {
    envoy: { service: { auth: { v3: { Authorization: ServiceClientConstructor } } } };
  };
  const client = new loaded.envoy.service.auth.v3.Authorization(address, credentials.createInsecure());
  const call = (
    client as unknown as Record<string, (r: unknown, cb: (e: Error | null, v: CheckResponse) => void) => void>
  ).Check!.bind(client);
  return {
    check: (http) =>
      new Promise((resolve, reject) => {
        const request = {
          attributes: {
            source: { principal: 'spiffe://cluster.local/ns/web/sa/frontend', labels: { app: 'web' } },
            destination: { service: 'orders' },
            request: {
              time: { seconds: 1_700_000_000, nanos: 5 },
              http: { id: 'req-1', protocol: 'HTTP/1.1', size: '-1', ...http },
            },
            context_extensions: { virtual_host: 'orders' },
          },
        };
        call(request, (error, value) => (error ? reject(error) : resolve(value)));
      }),
    close: () => client.close(),
  };
}

/** The header options of an answer as a name → value record. */
export const headerMap = (options: readonly HeaderOption[]) =>
  Object.fromEntries(options.map((option) => [option.header.key, option.header.value]));
