/**
 * The flags that set verifier options, shared by `verify`, `inspect` and `discover` so each means
 * the same everywhere, and core's messages reworded in those flags' terms: a hint on a terminal
 * names a flag the command has, not an option of the library underneath.
 */
import type { VerifierSettings } from '@tokenward/core';

/** `parseArgs` definitions of the verifier flags. */
export const VERIFIER_FLAGS = {
  /** core `algorithms`: the allow-list of signature algorithms. */
  alg: { type: 'string', multiple: true },
  /** core `orgServerRules: false`: a root-path issuer is another vendor's, not the org server. */
  'no-org-server-rules': { type: 'boolean' },
  /** core `allowedJwksOrigins`: origins besides the issuer's that may serve the key set. */
  'jwks-origin': { type: 'string', multiple: true },
} as const;

export interface VerifierFlagValues {
  readonly alg?: readonly string[] | undefined;
  readonly 'no-org-server-rules'?: boolean | undefined;
  readonly 'jwks-origin'?: readonly string[] | undefined;
}

type FlagSettings = Pick<VerifierSettings, 'algorithms' | 'orgServerRules' | 'allowedJwksOrigins'>;

/** The verifier settings the flags ask for; a flag not given leaves core's default. */
export function settingsFromFlags(values: VerifierFlagValues): FlagSettings {
  const algorithms = values.alg ?? [];
  const origins = values['jwks-origin'] ?? [];
  return {
    ...(algorithms.length > 0 && { algorithms }),
    ...(values['no-org-server-rules'] === true && { orgServerRules: false }),
    ...(origins.length > 0 && { allowedJwksOrigins: origins }),
  };
}

/** How core's option names read on a command line (`verify`'s flags by default). */
export type FlagNames = Readonly<Record<string, string>>;

export const VERIFY_FLAG_NAMES: FlagNames = {
  issuer: '--issuer',
  audience: '--audience',
  algorithms: '--alg',
  allowedJwksOrigins: '--jwks-origin',
  maxTokenSize: '--max-token-size',
  orgServerRules: '--no-org-server-rules',
};

/**
 * `message` (one of core's) with its option names replaced by the flags that set them:
 * "`orgServerRules: false`" and "`algorithms`" become "--no-org-server-rules" and "--alg". Names
 * in backticks are core's convention; camel-case names are replaced bare too ("(maxTokenSize)").
 */
export function inFlagTerms(message: string, flags: FlagNames = VERIFY_FLAG_NAMES): string {
  const flagOf = (name: string) => (Object.hasOwn(flags, name) ? flags[name] : undefined);
  return message
    .replace(/^tokenward: /, '')
    .replace(/`orgServerRules: false`/g, () => flagOf('orgServerRules') ?? '`orgServerRules: false`')
    .replace(/`([A-Za-z]+)(\[\d+\])?`/g, (whole, name: string) => flagOf(name) ?? whole)
    .replace(/\b[a-z]+[A-Z][A-Za-z]*\b/g, (name) => flagOf(name) ?? name);
}
