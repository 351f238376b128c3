/**
 * A world (reference issuer and gateway) behind a real proxy, with the echo upstream as the API,
 * started before a describe block's tests and stopped after them.
 */
import { afterAll, beforeAll } from 'vitest';
import type { GatewayOptions } from '../../src/gateway.js';
import type { RunningProxy, startNginx } from './proxies.js';
import { type EchoUpstream, startEchoUpstream } from './upstream.js';
import { startWorld, testPolicy, type World } from './world.js';

export interface ProxiedWorld {
  readonly world: World;
  readonly upstream: EchoUpstream;
  readonly proxy: RunningProxy;
}

/** Registers the hooks; the returned function gives the running parts inside tests. */
export function useProxiedWorld(
  start: typeof startNginx,
  policy: (defaultIssuer: string) => string = testPolicy,
  options: Partial<GatewayOptions> = {},
): () => ProxiedWorld {
  let running: ProxiedWorld | undefined;
  let world: World | undefined;
  let upstream: EchoUpstream | undefined;
  let proxy: RunningProxy | undefined;
  beforeAll(async () => {
    world = await startWorld(options, policy);
    upstream = await startEchoUpstream();
    proxy = await start(world.files.dir, {
      gateway: Number(new URL(world.gateway.url).port),
      upstream: upstream.port,
    });
    running = { world, upstream, proxy };
  });
  afterAll(async () => {
    await proxy?.close();
    await upstream?.close();
    await world?.close();
  });
  return () => {
    if (running === undefined) throw new Error('the proxied world is not running');
    return running;
  };
}
