/**
 * `tokenward issuer`: the reference authorization server, with exactly the flags of
 * `tokenward-issuer` (parsed and run by `@tokenward/issuer`). Runs until SIGINT or SIGTERM.
 * `--json` prints the servers as one JSON document instead of the banner, for scripts.
 */
import {
  ISSUER_USAGE,
  IssuerArgsError,
  type IssuerCommand,
  parseIssuerArgs,
  type ReferenceIssuer,
  runIssuerCli,
  startIssuer,
} from '@tokenward/issuer';
import { UsageError } from '../lib/args.js';
import { type CliIo, EXIT, type ExitCode, printJson } from '../lib/output.js';

export const ISSUER_HELP = `${ISSUER_USAGE.replace('Usage: tokenward-issuer [options]', 'Usage: tokenward issuer [options]')}  --json                     print the servers as JSON instead of the banner

Examples:
  tokenward issuer --port 8080 --servers payments
  tokenward issuer --client orders-service:s3cret:orders:read,orders:refund --admin

Stops on Ctrl-C (SIGINT) or SIGTERM. Exit codes: 0 stopped, 1 could not listen, 2 usage error
`;

/** Resolves when the process is asked to stop. */
export type StopSignal = () => Promise<void>;

const processStopSignal: StopSignal = () =>
  new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

export async function runIssuer(
  argv: readonly string[],
  io: CliIo,
  stopSignal: StopSignal = processStopSignal,
): Promise<ExitCode> {
  const json = argv.includes('--json');
  const issuerArgv = argv.filter((arg) => arg !== '--json');
  let command: IssuerCommand;
  try {
    // Parsed here too, so a bad flag reads as a `tokenward issuer` usage error.
    command = parseIssuerArgs(issuerArgv);
  } catch (error) {
    if (error instanceof IssuerArgsError) throw new UsageError(error.message);
    throw error;
  }
  if (command.kind === 'help') {
    io.stdout.write(ISSUER_HELP);
    return EXIT.ok;
  }
  // Listening for the signal before starting: a stop sent right after the banner must not kill us.
  const stopped = stopSignal();
  let issuer: ReferenceIssuer | undefined;
  if (json) {
    issuer = await startIssuer(command.options);
    printJson(io, describe(issuer));
  } else {
    const run = await runIssuerCli(
      issuerArgv,
      { stdout: io.stdout, stderr: io.stderr },
      { programName: 'tokenward issuer' },
    );
    if (run.exitCode !== undefined) return run.exitCode as ExitCode;
    issuer = run.issuer;
  }
  await stopped;
  await issuer?.close();
  return EXIT.ok;
}

function describe(issuer: ReferenceIssuer) {
  return {
    origin: issuer.origin,
    servers: [issuer.orgServer, ...issuer.servers].map((server) => ({
      id: server.id,
      kind: server.kind,
      issuer: server.issuer,
      audience: server.audience,
      discoveryUrl: server.discoveryUrl,
      jwksUri: server.jwksUri,
      tokenEndpoint: server.tokenEndpoint,
    })),
  };
}
