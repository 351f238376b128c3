/**
 * `tokenward gateway`: the external authorizer of `@tokenward/gateway`, with exactly the flags,
 * ready line, signals and exit codes of `tokenward-gateway` (parsed and run by that package).
 */
import { GATEWAY_USAGE, runGatewayCli } from '@tokenward/gateway';
import type { CliIo, ExitCode } from '../lib/output.js';

export const GATEWAY_HELP = GATEWAY_USAGE.replace('Usage: tokenward-gateway', 'Usage: tokenward gateway');

export async function runGateway(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const code = await runGatewayCli(argv, io, { programName: 'tokenward gateway' });
  return code as ExitCode;
}
