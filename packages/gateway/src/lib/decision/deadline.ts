/**
 * The decision deadline: how long the gateway waits for what a decision needs from outside
 * (discovery, the key set, introspection, the replay store) before answering that it cannot check
 * the token now, so that the proxy in front relays that answer instead of its own timeout.
 */
import { type AccessTokenVerifier, TokenwardError } from '@tokenward/core';

/**
 * Seconds one decision may take by default: above the longest fetch of an issuer with the default
 * `httpTimeout` (discovery, then the key set, 5 s each), below the recipes' 15 s wait for the gateway.
 */
export const DEFAULT_DECISION_TIMEOUT = 12;

/** The range of `decisionTimeout`, in seconds: more than 0, at most 60. */
export const DECISION_TIMEOUT_RANGE = { min: 0, max: 60 } as const;

/** Why `seconds` cannot be the decision deadline, or `undefined` when it can. */
export function decisionTimeoutProblem(seconds: unknown): string | undefined {
  const { min, max } = DECISION_TIMEOUT_RANGE;
  if (typeof seconds === 'number' && seconds > min && seconds <= max) return undefined;
  return `must be a number of seconds greater than ${min} and at most ${max}`;
}

/** What {@link Deadline.race} gives when the deadline passed first. */
export const LATE: unique symbol = Symbol('late');

export interface Deadline {
  /** Its length. */
  readonly seconds: number;
  /**
   * The outcome of `work`, or {@link LATE} once the deadline has passed. Work that is late is
   * abandoned: it runs on to its own end (core's timeouts bound it), and its outcome, a rejection
   * included, is observed here and dropped.
   */
  race<T>(work: Promise<T>): Promise<T | typeof LATE>;
  /** Ends the wait: the decision is made. */
  stop(): void;
}

/**
 * A deadline `seconds` long from the first time the decision waits: its timer is set by the first
 * {@link Deadline.race}, so a decision core answers at once (a token verified before, keys in
 * memory) sets none. What runs before that first wait is synchronous and takes microseconds.
 */
export function startDeadline(seconds: number): Deadline {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let passed: Promise<typeof LATE> | undefined;
  return {
    seconds,
    race: (work) => {
      passed ??= new Promise<typeof LATE>((resolve) => {
        timer = setTimeout(resolve, seconds * 1000, LATE);
      });
      return Promise.race([work, passed]);
    },
    stop: () => clearTimeout(timer),
  };
}

/**
 * The answer to a decision that outlasted its deadline: 503 with `Retry-After` and the challenge of
 * `verifier` (its realm, and its DPoP scheme when it takes DPoP), as for every outage of the
 * authorization server (the token may be fine).
 */
export function lateDecision(verifier: AccessTokenVerifier, seconds: number): TokenwardError {
  const { realm, dpop } = verifier;
  return new TokenwardError(
    'ERR_DECISION_TIMEOUT',
    `no decision within decisionTimeout (${seconds} s): discovery, the key set, introspection or the replay store did not answer in time`,
    dpop === undefined
      ? { realm }
      : { realm, challenges: { bearer: dpop.mode === 'allowed', dpopAlgorithms: dpop.algorithms } },
  );
}
