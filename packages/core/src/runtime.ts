/**
 * The two places where the default (web-standard) entry and the Node entry differ: how key
 * material is fetched, and which signature primitive checks a signature.
 * Everything else in core is shared and written against these interfaces.
 */
import type { Tracing } from './lib/tracing/channels.js';

/** A response read in full (the body already capped at the requested size). */
export interface TransportResponse {
  readonly status: number;
  /** Lower-case header lookup. */
  header(name: string): string | undefined;
  readonly body: Uint8Array;
}

export interface TransportRequest {
  /** Refuse (reject) a body larger than this many bytes, without reading the rest. */
  readonly maxBytes: number;
  /** Abort the whole exchange (connect, headers, body) after this many milliseconds. */
  readonly timeoutMs: number;
  /** Extra request headers (CORS-safelisted ones only: browsers preflight anything else). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Bypass caches between us and the server (a refresh for an unknown `kid`, RFC 9111 §5.2.1.4).
   * The fetch transport says so with `cache: 'no-cache'` rather than a `Cache-Control` request
   * header, which is not CORS-safelisted and would make a browser preflight the JWKS request.
   */
  readonly revalidate?: boolean;
}

/** A form POST (RFC 7662 §2.1 introspection): the body is sent as `application/x-www-form-urlencoded`. */
export interface TransportPostRequest extends TransportRequest {
  /** The form, already encoded (`token=...&token_type_hint=access_token`). */
  readonly form: string;
}

/**
 * Fetches key material (`get`) and asks authorization servers (`post`, for introspection).
 * Implementations never follow redirects (a 3xx is returned as is), enforce `timeoutMs` by
 * aborting, and reject with a `TransportError` describing what happened.
 */
export interface Transport {
  get(url: string, request: TransportRequest): Promise<TransportResponse>;
  /**
   * Sends a form POST. Optional so that transports written before introspection keep working; a
   * verifier configured with `introspection` needs it and refuses (`ERR_CONFIG`) a transport without.
   */
  post?(url: string, request: TransportPostRequest): Promise<TransportResponse>;
}

export type TransportFailure = 'timeout' | 'network' | 'too_large';

/** Raised by transports; callers wrap it as the `cause` of a `TokenwardError`. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly reason: TransportFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An imported public key, opaque outside the primitive that made it. */
export type VerificationKey = unknown;

/** The signature primitive: WebCrypto through jose (default entry) or node:crypto (Node entry). */
export interface SignaturePrimitive {
  /** Imports a public JWK for exactly one algorithm (RFC 8725 §3.1: one key, one algorithm). */
  importKey(jwk: JsonWebKeyLike, alg: string): Promise<VerificationKey>;
  /**
   * Verifies `signature` over `signingInput`, the text `header.payload`, which the token parser
   * has checked to be ASCII; each primitive turns it into bytes the fastest way it knows.
   * The Node primitive answers synchronously; callers must handle both.
   */
  verify(
    alg: string,
    key: VerificationKey,
    signingInput: string,
    signature: Uint8Array,
  ): boolean | Promise<boolean>;
  /** `true` when `verify` always answers a boolean, never a promise: what `verifySync` needs. */
  readonly synchronous?: boolean;
}

/**
 * Decodes token segments: the one step of parsing where a runtime's native decoder (Node's
 * Buffer) is several times faster than portable code. Both answers must be identical.
 */
export interface TokenCodec {
  /** The bytes of `segment`, or `undefined` unless it is canonical unpadded base64url (RFC 7515 §2). */
  decodeBase64url(segment: string): Uint8Array | undefined;
  /**
   * The text of a header or payload segment: `undefined` unless `segment` is canonical unpadded
   * base64url of well-formed UTF-8 (never a replacement character for a bad byte). A byte-order
   * mark stays in the text, where JSON.parse refuses it.
   */
  decodeBase64urlText(segment: string): string | undefined;
}

/** A JWK as published in a key set (public members only are used). */
export interface JsonWebKeyLike {
  readonly kty?: unknown;
  readonly kid?: unknown;
  readonly alg?: unknown;
  readonly use?: unknown;
  readonly key_ops?: unknown;
  readonly crv?: unknown;
  readonly n?: unknown;
  readonly e?: unknown;
  readonly x?: unknown;
  readonly y?: unknown;
  readonly [member: string]: unknown;
}

/**
 * SHA-256 and HMAC-SHA-256 over UTF-8 text, for DPoP: `ath`, key thumbprints, replay keys and
 * server nonces. The Node primitive answers synchronously; callers must handle both.
 */
export interface DigestPrimitive {
  sha256(text: string): Uint8Array | Promise<Uint8Array>;
  /** An HMAC-SHA-256 function keyed once with `key`. */
  hmacSha256(key: Uint8Array): (text: string) => Uint8Array | Promise<Uint8Array>;
}

export interface Runtime {
  readonly signatures: SignaturePrimitive;
  readonly codec: TokenCodec;
  /** The runtime's `diagnostics_channel`, if it has one (not browsers): where traces are published. */
  readonly tracing?: Tracing | undefined;
  readonly digests: DigestPrimitive;
  /** The transport used when the caller injects none. */
  createTransport(options: { fetch?: typeof globalThis.fetch }): Transport;
}
