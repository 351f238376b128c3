// `express4` is an npm alias of express 4 with no types of its own. The calls the tests make
// (`express()`, `use`, `get`, `options`, `listen`, `express.urlencoded`) have the same shape in
// Express 4 and 5, so the Express 5 types describe them.
declare module 'express4' {
  import express = require('express');
  export = express;
}
