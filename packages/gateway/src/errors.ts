/** Why a gateway could not start: each reason has its own exit code in the command-line tool. */

/** `policy`: the policy is invalid; `issuer`: an issuer's keys could not be fetched; `listen`: a port. */
export type GatewayStartFailure = 'policy' | 'issuer' | 'listen';

/** A gateway that could not start, with a message that says what to fix (never a stack trace). */
export class GatewayStartError extends Error {
  override readonly name = 'GatewayStartError';
  readonly reason: GatewayStartFailure;

  constructor(reason: GatewayStartFailure, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
  }
}
