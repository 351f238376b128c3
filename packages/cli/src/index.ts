/**
 * `@tokenward/cli` as a library: run the `tokenward` command in-process (tests, wrappers).
 * The command line itself is `tokenward` (bin).
 */

export { type Explanation, explain } from './lib/explain.js';
export { type CliIo, EXIT, type ExitCode, type OutputStream } from './lib/output.js';
export { main } from './main.js';
