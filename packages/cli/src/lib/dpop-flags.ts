/**
 * `tokenward verify --dpop-proof <jwt> --method <m> --url <u>`: the verifier's `dpop` option and
 * the verify call's DPoP request (RFC 9449 section 4.3), from the command line. The URL is the
 * request's as the API's clients address it: its origin becomes the API's configured origin, its
 * path is what `htu` must name (a query is ignored, as at the API).
 */
import type { DpopOptions, DpopRequest } from '@tokenward/core';
import { UsageError } from './args.js';

export const DPOP_FLAGS = {
  'dpop-proof': { type: 'string' },
  method: { type: 'string' },
  url: { type: 'string' },
} as const;

interface DpopFlagValues {
  readonly 'dpop-proof'?: string | undefined;
  readonly method?: string | undefined;
  readonly url?: string | undefined;
}

// RFC 9110 section 9.1: a method is a token.
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The DPoP parts of a verify run, or `undefined` without `--dpop-proof`. */
export function dpopFromFlags(
  values: DpopFlagValues,
): { readonly option: DpopOptions; readonly request: DpopRequest } | undefined {
  const proof = values['dpop-proof'];
  if (proof === undefined) {
    if (values.method !== undefined || values.url !== undefined) {
      throw new UsageError(
        '--method and --url describe the request a DPoP proof was made for; give --dpop-proof too',
      );
    }
    return undefined;
  }
  if (values.method === undefined || values.url === undefined) {
    throw new UsageError('--dpop-proof needs --method and --url: the request the proof was made for');
  }
  if (!METHOD.test(values.method)) {
    throw new UsageError(`--method takes an HTTP method such as GET; found "${values.method.slice(0, 20)}"`);
  }
  let url: URL;
  try {
    url = new URL(values.url);
  } catch {
    throw new UsageError(
      '--url takes the absolute URL the request was sent to, e.g. https://api.example.com/orders',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError('--url takes an http(s) URL');
  }
  return {
    // One check, one process: the in-memory replay store is exactly right.
    option: { mode: 'required', origins: [url.origin] },
    request: { proof, method: values.method, url: url.href },
  };
}
