/**
 * The proxy recipes the README shows (this package's `recipes/` folder), with their example
 * addresses: the gateway on 127.0.0.1:4180, the API on 127.0.0.1:8080, the proxy on port 8000.
 */
import { readFileSync } from 'node:fs';

/** The recipes, by file name. */
export type RecipeName = 'nginx.conf' | 'Caddyfile' | 'traefik.yml' | 'envoy-http.yaml' | 'envoy-grpc.yaml';

/** Where a recipe's proxy listens and what it talks to. */
export interface RecipeAddresses {
  /** Port the proxy listens on (on 127.0.0.1). */
  readonly listen: number;
  /** `host:port` of the gateway. */
  readonly gateway: string;
  /** `host:port` of the API. */
  readonly upstream: string;
}

/** A recipe exactly as the README shows it. */
export function readRecipe(name: RecipeName): string {
  // src/ and dist/ both sit one level below the package root, beside recipes/.
  return readFileSync(new URL(`../recipes/${name}`, import.meta.url), 'utf8');
}

/** A recipe with its example addresses replaced: the NGINX server block or the Caddy site to run. */
export function recipeFor(name: RecipeName, addresses: RecipeAddresses): string {
  return (
    readRecipe(name)
      .replaceAll('127.0.0.1:4180', addresses.gateway)
      .replaceAll('127.0.0.1:8080', addresses.upstream)
      .replace('listen 8000;', `listen 127.0.0.1:${addresses.listen};`)
      // Any host, as the recipe's `:8000` site, but only on loopback.
      .replace(':8000 {', `http://:${addresses.listen} {\n\tbind 127.0.0.1`)
  );
}

/**
 * The Caddy recipe as a whole Caddyfile for a Caddy whose state lives elsewhere: its global
 * options with the admin endpoint and automatic HTTPS off.
 */
export function caddyConfig(addresses: RecipeAddresses): string {
  return recipeFor('Caddyfile', addresses).replace('\n{\n', '\n{\n\tadmin off\n\tauto_https off\n');
}

/**
 * A whole `nginx.conf` around the NGINX recipe for a foreground NGINX whose every file (pid, logs,
 * temporary bodies) lives in `dir`: `nginx -p DIR -c DIR/nginx.conf -e DIR/error.log`.
 */
export function nginxConfig(dir: string, addresses: RecipeAddresses): string {
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `    ${kind}_temp_path ${dir}/${kind};`)
    .join('\n');
  return `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
${temp}
${recipeFor('nginx.conf', addresses)}
}
`;
}
