/**
 * `tokenward-gateway` (and `tokenward gateway`): starts a gateway from flags, prints one ready line
 * on stdout, reloads the policy on SIGHUP and drains on SIGTERM/SIGINT. Every failure is one clear
 * message on stderr and an exit code, never a stack trace.
 */
import { parseArgs } from 'node:util';
import { logVerbosity, setLogVerbosity } from '@grpc/grpc-js';
import { GatewayStartError } from './errors.js';
import { DEFAULT_HOST, DEFAULT_PORT, type Gateway, startGateway } from './gateway.js';
import {
  DECISION_TIMEOUT_RANGE,
  DEFAULT_DECISION_TIMEOUT,
  decisionTimeoutProblem,
} from './lib/decision/deadline.js';
import type { ReplayRedis } from './lib/replay/redis-connection.js';
import { redisUrlProblem } from './lib/replay/redis-url.js';
import { DEFAULT_MAX_HEADER_SIZE, MAX_HEADER_SIZE_RANGE, maxHeaderSizeProblem } from './lib/server/http.js';

/** Exit codes of the command. */
export const GATEWAY_EXIT = {
  /** Stopped by SIGTERM/SIGINT after draining, or `--help`. */
  ok: 0,
  /** A port could not be listened on (in use, not allowed). */
  listen: 1,
  /** Bad flags, or an invalid policy. */
  usage: 2,
  /** An issuer's keys could not be fetched, or the `--replay-redis` Redis reached, at start. */
  issuer: 3,
} as const;

export const GATEWAY_USAGE = `Usage: tokenward-gateway --policy <file> [options]

The external authorizer for NGINX auth_request, Caddy forward_auth, Traefik forwardAuth and
Envoy ext_authz: every request is decided by the policy's first matching rule, and refused
(403 ERR_POLICY_DENIED) when no rule matches.

Options:
  --policy <file>        policy: YAML or JSON, or an OpenAPI 3.0/3.1 document (required)
  --port <n>             HTTP port of /auth, /envoy/<path>, /healthz, /readyz (default ${DEFAULT_PORT}; 0 = any free port)
  --host <addr>          address to listen on (default ${DEFAULT_HOST})
  --grpc-port <n>        also serve Envoy's gRPC Authorization/Check on this port
  --metrics-port <n>     also serve Prometheus metrics on this port
  --envoy-prefix <path>  path prefix of Envoy's HTTP ext_authz calls (default /envoy)
  --max-header-size <bytes>
                         request line and headers the HTTP port reads, above what the proxy in front
                         accepts (default ${DEFAULT_MAX_HEADER_SIZE}; ${MAX_HEADER_SIZE_RANGE.min} to ${MAX_HEADER_SIZE_RANGE.max})
  --decision-timeout <seconds>
                         longest a decision takes before it is answered 503 with Retry-After, under
                         how long the proxy in front waits (default ${DEFAULT_DECISION_TIMEOUT}; more than ${DECISION_TIMEOUT_RANGE.min}, at most ${DECISION_TIMEOUT_RANGE.max})
  --replay-redis <url>   remember DPoP proofs in this Redis, redis[s]://[[user]:password@]host[:port][/db],
                         so that every replica given it accepts a proof once (default: this process's
                         memory); while it is down DPoP requests are refused with 503. Or set
                         TOKENWARD_REPLAY_REDIS, which keeps a password out of the process list
  -h, --help             show this help

When ready it prints one line on stdout:
  tokenward gateway listening on http://HOST:PORT [grpc on HOST:PORT] [metrics on http://HOST:PORT/metrics]
SIGHUP reloads the policy (an invalid one is reported and the old one stays); SIGTERM and SIGINT
drain and exit 0.

Exit codes: 0 stopped, 1 could not listen (port in use), 2 bad flags or invalid policy,
3 an issuer's keys could not be fetched, or Redis reached, at start
`;

/** Where the command writes. */
export interface GatewayCliStreams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** The process signals the command reacts to; tests pass their own. */
export interface GatewaySignals {
  /** Calls `listener` on SIGTERM or SIGINT. */
  onStop(listener: () => void): void;
  /** Calls `listener` on SIGHUP. */
  onReload(listener: () => void): void;
}

export interface GatewayCliOptions {
  /** Program name in messages. Default `tokenward-gateway`. */
  readonly programName?: string;
  readonly signals?: GatewaySignals;
  /** Where `TOKENWARD_REPLAY_REDIS` is read. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The Redis URL of the shared replay store, when `--replay-redis` is not given: a password in a flag
 * shows in `ps` and `/proc/<pid>/cmdline`, one in the environment does not.
 */
export const REPLAY_REDIS_VARIABLE = 'TOKENWARD_REPLAY_REDIS';

export const processSignals: GatewaySignals = {
  onStop(listener) {
    process.on('SIGTERM', listener);
    process.on('SIGINT', listener);
  },
  onReload(listener) {
    process.on('SIGHUP', listener);
  },
};

/** The ready line: the contract other tools read (`listening on`, then `grpc on`, `metrics on`). */
export function readyLine(gateway: Gateway): string {
  let line = `tokenward gateway listening on ${gateway.url}`;
  if (gateway.grpcAddress !== undefined) line += ` grpc on ${gateway.grpcAddress}`;
  if (gateway.metricsUrl !== undefined) line += ` metrics on ${gateway.metricsUrl}`;
  return line;
}

/** Runs the command until it is stopped; resolves to the exit code. Never exits the process. */
export async function runGatewayCli(
  argv: readonly string[],
  streams: GatewayCliStreams,
  options: GatewayCliOptions = {},
): Promise<number> {
  const program = options.programName ?? 'tokenward-gateway';
  const signals = options.signals ?? processSignals;
  const say = (text: string) => streams.stderr.write(`${program}: ${text}\n`);
  let flags: ReturnType<typeof parseFlags>;
  try {
    flags = parseFlags(argv, options.env ?? process.env);
  } catch (error) {
    say(`${(error as Error).message}\nRun ${program} --help for usage.`);
    return GATEWAY_EXIT.usage;
  }
  if (flags === 'help') {
    streams.stdout.write(GATEWAY_USAGE.replace('tokenward-gateway', program));
    return GATEWAY_EXIT.ok;
  }
  // grpc-js would also print its own line for a port in use: the message below says it once.
  setLogVerbosity(logVerbosity.NONE);
  // Listening before starting: a stop sent while the keys are fetched must still end cleanly.
  let stopRequested: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    stopRequested = resolve;
  });
  signals.onStop(() => stopRequested());
  const { replayRedis, ...settings } = flags;
  let redis: ReplayRedis | undefined;
  if (replayRedis !== undefined) {
    // ioredis is loaded only when asked for: a library user of startGateway may have node-redis.
    const { connectReplayRedis } = await import('./lib/replay/redis-connection.js');
    try {
      redis = await connectReplayRedis(replayRedis.url, replayRedis.source, say);
    } catch (error) {
      say((error as Error).message);
      return GATEWAY_EXIT.issuer;
    }
  }
  let gateway: Gateway;
  try {
    gateway = await startGateway({
      ...settings,
      onLog: say,
      ...(redis === undefined ? {} : { replayStore: redis.store }),
    });
  } catch (error) {
    redis?.close();
    if (!(error instanceof GatewayStartError)) throw error;
    say(error.message);
    return error.reason === 'policy'
      ? GATEWAY_EXIT.usage
      : error.reason === 'issuer'
        ? GATEWAY_EXIT.issuer
        : GATEWAY_EXIT.listen;
  }
  for (const warning of gateway.warnings) say(`warning: ${warning}`);
  signals.onReload(() => {
    void gateway.reload().then((result) => {
      if (!result.ok) say(`policy reload failed, keeping the previous policy: ${result.message}`);
      else {
        say(`policy reloaded from ${settings.policy} (${result.rules} rules)`);
        for (const warning of result.warnings) say(`warning: ${warning}`);
      }
    });
  });
  streams.stdout.write(`${readyLine(gateway)}\n`);
  await stopped;
  say('draining');
  await gateway.close();
  redis?.close();
  return GATEWAY_EXIT.ok;
}

function parseFlags(argv: readonly string[], env: Readonly<Record<string, string | undefined>>) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      policy: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'grpc-port': { type: 'string' },
      'metrics-port': { type: 'string' },
      'envoy-prefix': { type: 'string' },
      'max-header-size': { type: 'string' },
      'decision-timeout': { type: 'string' },
      'replay-redis': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help' as const;
  if (positionals.length > 0) throw new Error(`unexpected argument "${positionals[0]}"`);
  if (values.policy === undefined || values.policy === '') throw new Error('--policy <file> is required');
  const prefix = values['envoy-prefix'];
  if (prefix !== undefined && !/^\/[^?#\s]*[^/?#\s]$/.test(prefix)) {
    throw new Error('--envoy-prefix must be a path such as /envoy (starting with "/", no trailing "/")');
  }
  // The flag wins; an empty variable is no variable.
  const fromEnv = env[REPLAY_REDIS_VARIABLE] === '' ? undefined : env[REPLAY_REDIS_VARIABLE];
  const redisUrl = values['replay-redis'] ?? fromEnv;
  const source = values['replay-redis'] === undefined ? REPLAY_REDIS_VARIABLE : '--replay-redis';
  const redisProblem = redisUrl === undefined ? undefined : redisUrlProblem(redisUrl);
  if (redisProblem !== undefined) {
    throw new Error(
      `${source} must be a URL like redis://host:6379 or rediss://:password@host:6380/0; the one given ${redisProblem}`,
    );
  }
  return {
    policy: values.policy,
    port: port(values.port, '--port') ?? DEFAULT_PORT,
    ...(values.host === undefined ? {} : { host: values.host }),
    ...optional('grpcPort', port(values['grpc-port'], '--grpc-port')),
    ...optional('metricsPort', port(values['metrics-port'], '--metrics-port')),
    ...optional('envoyPathPrefix', prefix),
    ...optional('maxHeaderSize', headerSize(values['max-header-size'])),
    ...optional('decisionTimeout', decisionTimeout(values['decision-timeout'])),
    ...optional('replayRedis', redisUrl === undefined ? undefined : { url: redisUrl, source }),
  };
}

function optional<Name extends string, Value>(name: Name, value: Value | undefined) {
  return (value === undefined ? {} : { [name]: value }) as Partial<Record<Name, Value>>;
}

function headerSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const bytes = /^\d{1,8}$/.test(value) ? Number(value) : Number.NaN;
  const problem = maxHeaderSizeProblem(bytes);
  if (problem !== undefined) throw new Error(`--max-header-size ${problem}; found "${value}"`);
  return bytes;
}

function decisionTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = /^\d{1,3}(\.\d{1,3})?$/.test(value) ? Number(value) : Number.NaN;
  const problem = decisionTimeoutProblem(seconds);
  if (problem !== undefined) throw new Error(`--decision-timeout ${problem}; found "${value}"`);
  return seconds;
}

function port(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new Error(`${flag} must be a port number from 0 to 65535; found "${value}"`);
  }
  return Number(value);
}
