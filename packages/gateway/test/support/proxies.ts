/**
 * Real NGINX and Caddy, started by the tests on loopback ports with configurations made from the
 * recipes in `recipes/` (the ones the README shows), with every file in a temporary folder.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { caddyConfig, nginxConfig } from '../../src/recipes.js';

/** A port free right now on loopback (the proxies take a port number, not 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** How a recipe is run: as the README shows it, or with one of the edits the README describes. */
export interface RecipeVariant {
  /**
   * `'https'`: the README's edit for a proxy behind a load balancer that terminates TLS, where the
   * proxy itself sees http: the scheme clients use is written into the recipe.
   */
  readonly publicScheme?: 'https';
}

export interface RunningProxy {
  readonly port: number;
  /** What the proxy wrote to its logs, for failure messages. */
  logs(): string;
  close(): Promise<void>;
}

/** NGINX (`daemon off`, `-p` prefix in `dir`) serving the nginx recipe. */
export async function startNginx(
  dir: string,
  ports: { gateway: number; upstream: number },
  variant: RecipeVariant = {},
): Promise<RunningProxy> {
  const listen = await freePort();
  for (const temp of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])
    mkdirSync(join(dir, temp), { recursive: true });
  const config = withPublicScheme(
    nginxConfig(dir, {
      listen,
      gateway: `127.0.0.1:${ports.gateway}`,
      upstream: `127.0.0.1:${ports.upstream}`,
    }),
    variant,
    ['    default $scheme;', '    default https;'],
  );
  writeFileSync(join(dir, 'nginx.conf'), config);
  const child = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return running(child, listen, () => safeRead(join(dir, 'error.log')), 'SIGQUIT');
}

/** Caddy (`admin off`, its state in `dir`) serving the Caddy recipe. */
export async function startCaddy(
  dir: string,
  ports: { gateway: number; upstream: number },
  variant: RecipeVariant = {},
): Promise<RunningProxy> {
  const listen = await freePort();
  const config = withPublicScheme(
    caddyConfig({ listen, gateway: `127.0.0.1:${ports.gateway}`, upstream: `127.0.0.1:${ports.upstream}` }),
    variant,
    ['vars tokenward_scheme {http.request.scheme}', 'vars tokenward_scheme https'],
  );
  writeFileSync(join(dir, 'Caddyfile'), config);
  const child = spawn('caddy', ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      HOME: dir,
      XDG_CONFIG_HOME: join(dir, 'config'),
      XDG_DATA_HOME: join(dir, 'data'),
    },
  });
  return running(child, listen, () => '', 'SIGTERM');
}

/** `config` with the README's public-scheme edit made when `variant` asks for it: one line, which must be there. */
function withPublicScheme(
  config: string,
  variant: RecipeVariant,
  [line, edited]: readonly [string, string],
): string {
  if (variant.publicScheme === undefined) return config;
  if (config.split(line).length !== 2)
    throw new Error(`the recipe has no single line "${line.trim()}" to edit`);
  return config.replace(line, edited);
}

async function running(
  child: ChildProcess,
  port: number,
  logFile: () => string,
  stopSignal: NodeJS.Signals,
): Promise<RunningProxy> {
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const logs = () => `${output}${logFile()}`;
  await waitUntilAnswering(port, exited, logs);
  return {
    port,
    logs,
    async close() {
      child.kill(stopSignal);
      await exited;
    },
  };
}

/** Resolves once the proxy takes HTTP requests on `port` (bounded); rejects if it exits first. */
async function waitUntilAnswering(port: number, exited: Promise<void>, logs: () => string): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (gone) throw new Error(`the proxy exited while starting:\n${logs()}`);
    if (await answers(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the proxy did not answer on port ${port}:\n${logs()}`);
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = httpRequest(
      { host: '127.0.0.1', port, path: '/__tokenward_probe', method: 'HEAD' },
      (response) => {
        response.resume();
        resolve(true);
      },
    );
    probe.on('error', () => resolve(false));
    // Connected and holding the request: the proxy is up, waiting for a gateway that does not answer.
    probe.setTimeout(1000, () => {
      probe.destroy();
      resolve(true);
    });
    probe.end();
  });
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
