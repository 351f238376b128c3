// Deno: the Deno recipe under `deno serve`, configured through the environment.

import { type MatrixConfig, matrixRoutes } from '../matrix-routes.js';
import recipe from '../recipes/deno.js';

export default { fetch: matrixRoutes(JSON.parse(process.env.MATRIX ?? '') as MatrixConfig, recipe.fetch) };
