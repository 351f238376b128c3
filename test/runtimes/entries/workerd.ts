// workerd: the Cloudflare Workers recipe, as a module worker with text bindings and its KV namespace.

import { type MatrixConfig, matrixRoutes } from '../matrix-routes.js';
import worker, { type Context, type Env } from '../recipes/cloudflare-worker.js';

interface MatrixEnv extends Env {
  MATRIX: string;
}

let route: ((request: Request, env: MatrixEnv, ctx: Context) => Promise<Response>) | undefined;

export default {
  fetch(request: Request, env: MatrixEnv, ctx: Context): Promise<Response> {
    route ??= matrixRoutes(JSON.parse(env.MATRIX) as MatrixConfig, worker.fetch);
    return route(request, env, ctx);
  },
};
