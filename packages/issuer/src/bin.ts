#!/usr/bin/env node
import { type IssuerCliRun, runIssuerCli } from './cli.js';

// Signal handlers go in before anything is printed: a supervisor that stops us as soon as it reads
// the first line must still get a clean exit 0. Once the server is closed, the event loop empties.
let run: IssuerCliRun | undefined;
let stopRequested = false;
const stop = () => {
  stopRequested = true;
  void run?.close();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

run = await runIssuerCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
if (run.exitCode !== undefined) process.exitCode = run.exitCode;
else if (stopRequested) await run.close();
