#!/usr/bin/env node
import { processSignals, runGatewayCli } from './cli.js';

const exitCode = await runGatewayCli(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr },
  { signals: processSignals },
);
// Kept-alive connections to issuers would hold the event loop open: exit once output is flushed.
process.stdout.write('', () => process.exit(exitCode));
