// Bun: the Bun recipe (its default export is what `Bun.serve` takes), configured through the environment.

import { type MatrixConfig, matrixRoutes } from '../matrix-routes.js';
import recipe from '../recipes/bun.js';

export default {
  hostname: recipe.hostname,
  port: recipe.port,
  fetch: matrixRoutes(JSON.parse(process.env.MATRIX ?? '') as MatrixConfig, recipe.fetch),
};
