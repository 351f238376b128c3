/**
 * `tokenward` dispatch: picks the command, prints help, and turns usage errors into exit code 2
 * and unexpected failures into 1, always on stderr.
 */
import { readFileSync } from 'node:fs';
import { DEMO_HELP, runDemo } from './commands/demo.js';
import { DISCOVER_HELP, runDiscover } from './commands/discover.js';
import { INSPECT_HELP, runInspect } from './commands/inspect.js';
import { ISSUER_HELP, runIssuer } from './commands/issuer.js';
import { runVerify, VERIFY_HELP } from './commands/verify.js';
import { UsageError, wantsHelp } from './lib/args.js';
import { type CliIo, EXIT, type ExitCode, processIo } from './lib/output.js';

interface Command {
  readonly summary: string;
  readonly help: string;
  readonly run: (argv: readonly string[], io: CliIo) => Promise<ExitCode>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  verify: {
    summary: 'verify an access token against an issuer and explain the verdict',
    help: VERIFY_HELP,
    run: runVerify,
  },
  inspect: {
    summary: 'decode a token without trusting it and flag what would fail',
    help: INSPECT_HELP,
    run: runInspect,
  },
  discover: {
    summary: "check an issuer's discovery documents and key set",
    help: DISCOVER_HELP,
    run: runDiscover,
  },
  issuer: {
    summary: 'run the reference authorization server on loopback',
    help: ISSUER_HELP,
    run: runIssuer,
  },
  demo: {
    summary: 'guided demo: issuer, Express and Fastify APIs, every verdict narrated',
    help: DEMO_HELP,
    run: runDemo,
  },
};

const USAGE = `Usage: tokenward <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`)
  .join('\n')}

Run \`tokenward <command> --help\` for a command's options and examples.

Examples:
  tokenward demo
  tokenward inspect "$TOKEN"
  tokenward verify - --issuer https://acme.okta.com/oauth2/default --audience api://default < token.txt
  tokenward discover https://acme.okta.com/oauth2/default

Exit codes: 0 ok, 1 invalid or a check failed, 2 usage error, 3 could not reach the issuer
`;

/** Runs `tokenward` with `argv` (without node and the script) and resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' && rest[0] !== undefined ? COMMANDS[rest[0]] : undefined;
    io.stdout.write(topic?.help ?? USAGE);
    return EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    // Only a plausible command name is repeated: a mistyped line may start with a token.
    const shown = /^[a-z][a-z-]{0,19}$/.test(name) ? ` "${name}"` : '';
    io.stderr.write(`tokenward: unknown command${shown}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (wantsHelp(rest)) {
    io.stdout.write(command.help);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`tokenward ${name}: ${error.message}\nRun \`tokenward ${name} --help\` for usage.\n`);
      return EXIT.usage;
    }
    io.stderr.write(`tokenward ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.invalid;
  }
}

function version(): string {
  // src/main.ts and dist/main.js both sit one level below package.json.
  const manifest: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return (manifest as { version?: string }).version ?? 'unknown';
}
