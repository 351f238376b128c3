/** What the cold-start child verifies, sent over IPC. */
export interface ColdStartJob {
  readonly issuer: string;
  readonly audience: string;
  readonly tokens: readonly string[];
}

export interface ColdStartReport {
  /** Milliseconds from the first `verify` call until every one settled. */
  readonly elapsedMs: number;
  readonly accepted: number;
  /** The first refusal's message, when any token was refused. */
  readonly firstError?: string;
}
