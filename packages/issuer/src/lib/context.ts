import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReferenceAuthServer } from '../auth-server.js';
import type { ClientRegistry } from './clients.js';
import type { CodeStore } from './codes.js';
import type { ReplayGuard } from './replay.js';
import type { MetadataKind } from './routes.js';
import type { TestUserSession } from './session.js';

/** What every server of one issuer process shares. */
export interface IssuerState {
  readonly origin: string;
  readonly clients: ClientRegistry;
  readonly codes: CodeStore;
  /** One-time identifiers: DPoP proof and client assertion `jti`s. */
  readonly replay: ReplayGuard;
  /** The test user's sign-in, shared by every server like an org-wide session. */
  readonly session: TestUserSession;
  /** Seconds, for `Cache-Control: max-age` on JWKS responses. */
  readonly jwksMaxAge: number;
}

/** One request routed to one endpoint of one server. */
export interface EndpointContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly server: ReferenceAuthServer;
  readonly state: IssuerState;
  /** Which discovery document was asked for; `undefined` for other endpoints. */
  readonly metadata: MetadataKind | undefined;
  /** `issuer` fault: the value the discovery document carries instead of the real issuer. */
  readonly issuerOverride: string | undefined;
}

export type EndpointHandler = (context: EndpointContext) => void | Promise<void>;
