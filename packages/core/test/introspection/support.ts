/**
 * What the introspection tests against one reference issuer share: the issuer on loopback with a
 * `default` server (started before a file's tests, its faults cleared after each, closed after
 * all), the client its introspection endpoint knows, and a count of the introspections it answered.
 */
import { type AuthServer, type ReferenceIssuer, startIssuer } from '@tokenward/issuer';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** The confidential client the reference issuer accepts at its introspection endpoint. */
export const INTROSPECTION_CLIENT = { clientId: 'test-client', clientSecret: 'test-secret' } as const;

export interface IntrospectingIssuer {
  readonly issuer: ReferenceIssuer;
  /** The issuer's `default` server. */
  readonly server: AuthServer;
  /** Introspection requests the `default` server has answered so far. */
  introspections(): number;
}

/** Registers the file's hooks; read the fixture's members inside tests, once `beforeAll` has run. */
export function useIntrospectingIssuer(): IntrospectingIssuer {
  let started: ReferenceIssuer | undefined;
  beforeAll(async () => {
    started = await startIssuer({ port: 0, servers: ['default'] });
  });
  afterEach(() => started?.clearFaults());
  afterAll(() => started?.close());
  const issuer = () => {
    if (started === undefined) throw new Error('the reference issuer starts in beforeAll');
    return started;
  };
  return {
    get issuer() {
      return issuer();
    },
    get server() {
      return issuer().server('default');
    },
    introspections: () => issuer().requestCount({ server: 'default', endpoint: 'introspect' }),
  };
}
