import { ISSUER_USAGE, IssuerArgsError, parseIssuerArgs } from './cli-args.js';
import { startIssuer } from './issuer.js';
import { SERVICE_CLIENT } from './lib/clients.js';
import type { AuthServer, ClientRegistration, IssuerOptions, ReferenceIssuer } from './types.js';

/** Where the CLI writes; `process.stdout`/`process.stderr` or any collector in tests. */
export interface CliStreams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Outcome of {@link runIssuerCli}. */
export interface IssuerCliRun {
  /** Set when no server was started: 0 after `--help`, 1 when listening failed, 2 for bad flags. */
  readonly exitCode: number | undefined;
  /** The running issuer when one was started. */
  readonly issuer: ReferenceIssuer | undefined;
  /** Stops the issuer (no-op when none started). */
  close(): Promise<void>;
}

/** Quotes a value for a POSIX shell. */
function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function serviceClientFor(server: AuthServer, clients: readonly ClientRegistration[]): ClientRegistration {
  const own = clients.find(
    (client) => client.clientSecret !== undefined && (!client.servers || client.servers.includes(server.id)),
  );
  return own ?? SERVICE_CLIENT;
}

/** A ready-to-paste client_credentials request (RFC 6749 §4.4) against this server. */
function curlForToken(server: AuthServer, client: ClientRegistration): string {
  const parts = ['curl -s', '-u', shellQuote(`${client.clientId}:${client.clientSecret ?? ''}`)];
  parts.push('-d grant_type=client_credentials');
  if (client.scopes && client.scopes.length > 0) {
    parts.push('--data-urlencode', shellQuote(`scope=${client.scopes.join(' ')}`));
  }
  parts.push(shellQuote(server.tokenEndpoint));
  return parts.join(' ');
}

function describe(issuer: ReferenceIssuer, options: IssuerOptions): string {
  const clients = options.clients ?? [];
  const lines = [`tokenward reference issuer listening on ${issuer.origin}`, ''];
  for (const server of [issuer.orgServer, ...issuer.servers]) {
    lines.push(`${server.kind === 'org' ? 'org server' : `custom server "${server.id}"`}`);
    lines.push(`  issuer     ${server.issuer}`);
    lines.push(`  discovery  ${server.discoveryUrl}`);
    lines.push(`  token      ${curlForToken(server, serviceClientFor(server, clients))}`);
    lines.push('');
  }
  if (options.admin) {
    lines.push(
      `admin: POST/DELETE ${issuer.origin}/__admin/faults, GET/DELETE ${issuer.origin}/__admin/counts`,
    );
  }
  lines.push('Press Ctrl-C to stop.', '');
  return lines.join('\n');
}

function finished(exitCode: number): IssuerCliRun {
  return { exitCode, issuer: undefined, close: async () => {} };
}

export interface IssuerCliOptions {
  /** The command name used in error messages, e.g. `tokenward issuer`. Default `tokenward-issuer`. */
  readonly programName?: string;
}

/**
 * Runs `tokenward-issuer` in-process: parses flags, starts the issuer and prints every server with
 * its discovery URL and a curl for a token. Never exits the process; the caller maps `exitCode`.
 */
export async function runIssuerCli(
  argv: readonly string[],
  streams: CliStreams,
  options: IssuerCliOptions = {},
): Promise<IssuerCliRun> {
  const program = options.programName ?? 'tokenward-issuer';
  let command: ReturnType<typeof parseIssuerArgs>;
  try {
    command = parseIssuerArgs(argv);
  } catch (error) {
    if (!(error instanceof IssuerArgsError)) throw error;
    streams.stderr.write(`${program}: ${error.message}\nRun ${program} --help for usage.\n`);
    return finished(error.exitCode);
  }
  if (command.kind === 'help') {
    streams.stdout.write(ISSUER_USAGE);
    return finished(0);
  }
  let issuer: ReferenceIssuer;
  try {
    issuer = await startIssuer(command.options);
  } catch (error) {
    streams.stderr.write(`${program}: could not start: ${(error as Error).message}\n`);
    return finished(1);
  }
  streams.stdout.write(describe(issuer, command.options));
  return { exitCode: undefined, issuer, close: () => issuer.close() };
}
