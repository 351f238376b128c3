// workerd: the Cloudflare Workers recipe, as a module worker with text bindings.

import { type Handler, type MatrixConfig, matrixRoutes } from '../matrix-routes.js';
import worker, { type Env } from '../recipes/cloudflare-worker.js';

interface MatrixEnv extends Env {
  MATRIX: string;
}

let route: Handler | undefined;

export default {
  fetch(request: Request, env: MatrixEnv): Promise<Response> {
    route ??= matrixRoutes(JSON.parse(env.MATRIX) as MatrixConfig, (inner) => worker.fetch(inner, env));
    return route(request);
  },
};
