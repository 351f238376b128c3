/**
 * `tokenward` dispatch: picks the command, prints help, and turns usage errors into exit code 2
 * and unexpected failures into 1, always on stderr.
 */
import { readFileSync } from 'node:fs';
import { UsageError, wantsHelp } from './lib/args.js';
import { type CliIo, EXIT, type ExitCode, processIo } from './lib/output.js';
import { escapeControls } from './lib/terminal-text.js';

/** What a command module exports. */
interface CommandModule {
  readonly help: string;
  readonly run: (argv: readonly string[], io: CliIo) => Promise<ExitCode>;
}

interface Command {
  readonly summary: string;
  /** Loaded on use: `inspect` need not load Express, Fastify and the issuer to start. */
  readonly load: () => Promise<CommandModule>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  verify: {
    summary: 'verify an access token against an issuer and explain the verdict',
    load: async () => {
      const { VERIFY_HELP, runVerify } = await import('./commands/verify.js');
      return { help: VERIFY_HELP, run: runVerify };
    },
  },
  inspect: {
    summary: 'decode a token without trusting it and flag what would fail',
    load: async () => {
      const { INSPECT_HELP, runInspect } = await import('./commands/inspect.js');
      return { help: INSPECT_HELP, run: runInspect };
    },
  },
  discover: {
    summary: "check an issuer's discovery documents and key set",
    load: async () => {
      const { DISCOVER_HELP, runDiscover } = await import('./commands/discover.js');
      return { help: DISCOVER_HELP, run: runDiscover };
    },
  },
  issuer: {
    summary: 'run the reference authorization server on loopback',
    load: async () => {
      const { ISSUER_HELP, runIssuer } = await import('./commands/issuer.js');
      return { help: ISSUER_HELP, run: (argv, io) => runIssuer(argv, io) };
    },
  },
  gateway: {
    summary: 'the authorizer NGINX, Caddy, Traefik and Envoy ask, driven by a policy file',
    load: async () => {
      const { GATEWAY_HELP, runGateway } = await import('./commands/gateway.js');
      return { help: GATEWAY_HELP, run: runGateway };
    },
  },
  demo: {
    summary: 'guided demo: issuer, Express and Fastify APIs, every verdict narrated',
    load: async () => {
      const { DEMO_HELP, runDemo } = await import('./commands/demo.js');
      return { help: DEMO_HELP, run: runDemo };
    },
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
    io.stdout.write(topic === undefined ? USAGE : (await topic.load()).help);
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
  const loaded = await command.load();
  if (wantsHelp(rest)) {
    io.stdout.write(loaded.help);
    return EXIT.ok;
  }
  try {
    return await loaded.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      const message = escapeControls(error.message);
      io.stderr.write(`tokenward ${name}: ${message}\nRun \`tokenward ${name} --help\` for usage.\n`);
      return EXIT.usage;
    }
    const message = escapeControls(error instanceof Error ? error.message : String(error));
    io.stderr.write(`tokenward ${name}: ${message}\n`);
    return EXIT.invalid;
  }
}

function version(): string {
  // src/main.ts and dist/main.js both sit one level below package.json.
  const manifest: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return (manifest as { version?: string }).version ?? 'unknown';
}
