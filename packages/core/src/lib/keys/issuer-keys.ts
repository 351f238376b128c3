/**
 * The signing keys of one issuer (BCP-8: keys belong to the issuer a token names; DESIGN rule 2):
 * discovery, a cached key set with a lifetime, one refetch per cooldown for unknown `kid`s, and
 * stale-if-error for known `kid`s when the upstream fails (§4.13). Each issuer gets its own
 * instance, so a `kid` published by a sibling server can never be found here.
 */
import { TokenwardError } from '../../errors.js';
import { emit, eventText, type JwksFetchReason } from '../../events.js';
import type { IssuerKeySnapshot } from '../../key-snapshot.js';
import { QUOTED_LENGTH, quote } from '../quote.js';
import { isTraced, type Timed, traceOperation } from '../tracing/channels.js';
import { createDiscovery, type Discovery } from './discovery.js';
import type { IssuerKeys, IssuerKeysConfig } from './issuer-keys-config.js';
import { type FetchedKeySet, fetchKeySet } from './jwks.js';
import { KeyIndex, type ResolvedKey } from './key-index.js';
import { discoveredFields, publishedKey, readIssuerSnapshot } from './key-snapshot.js';
import { fetchableUrlProblem, warnIfInsecure } from './origin.js';
import { joinBoundMs, joinShared } from './shared-flight.js';

export { type IssuerKeys, type IssuerKeysConfig, KEY_DEFAULTS } from './issuer-keys-config.js';
export type { ResolvedKey } from './key-index.js';

interface InstalledSet {
  readonly index: KeyIndex;
  readonly fingerprint: string;
  readonly url: string;
  /** When the set was fetched (epoch ms), and for how many seconds from then it is fresh. */
  readonly fetchedAt: number;
  readonly lifetimeSeconds: number;
  readonly freshUntil: number;
  /** Until when known kids may still be served from this set while refreshes fail. */
  readonly staleUntil: number;
}

export function createIssuerKeys(config: IssuerKeysConfig): IssuerKeys {
  const [name, url] = config.jwksUri === undefined ? ['issuer', config.issuer] : ['jwksUri', config.jwksUri];
  let problem = fetchableUrlProblem(url, config.allowInsecureHttp);
  if (problem === undefined && config.jwksUri === undefined && url.includes('?')) {
    problem = 'must not contain a query (RFC 8414 section 2)';
  }
  if (problem !== undefined) {
    throw new TokenwardError(
      'ERR_CONFIG',
      `${name} ${quote(url, QUOTED_LENGTH.configured)} cannot be fetched from: it ${problem}`,
    );
  }
  return new IssuerKeyCache(config);
}

class IssuerKeyCache implements IssuerKeys {
  generation = 0;
  private current: InstalledSet | undefined;
  private inFlight: Promise<InstalledSet> | undefined;
  /** When the last refetch for an unknown kid started (epoch ms). */
  private unknownKidRefetchAt = Number.NEGATIVE_INFINITY;
  private lastFailure: { readonly at: number; readonly error: TokenwardError } | undefined;
  private readonly discovery: Discovery | undefined;

  constructor(private readonly config: IssuerKeysConfig) {
    this.discovery = config.jwksUri === undefined ? createDiscovery(config) : undefined;
  }

  get freshUntil(): number | undefined {
    return this.current?.freshUntil;
  }

  peekKey(kid: string | undefined, alg: string): ResolvedKey | undefined {
    const set = this.current;
    if (set === undefined || this.config.clock() >= set.freshUntil) return undefined;
    return set.index.peek(kid, alg);
  }

  getKey(kid: string | undefined, alg: string): Promise<ResolvedKey> {
    const set = this.current;
    const now = this.config.clock();
    if (set !== undefined && now < set.freshUntil) return this.fromFreshSet(set, kid, alg, now);
    return this.fromRefreshedSet(set, kid, alg, now);
  }

  snapshot(): IssuerKeySnapshot | undefined {
    const set = this.current;
    if (set === undefined) return undefined;
    const discovered = this.discovery?.current();
    return {
      issuer: this.config.issuer,
      jwksUri: set.url,
      ...(discovered?.metadata.jwksUri === set.url ? discoveredFields(discovered) : {}),
      fetchedAt: set.fetchedAt,
      maxAge: set.lifetimeSeconds,
      keys: set.index.keys.map(publishedKey),
    };
  }

  restore(entry: unknown): { readonly keys: number; readonly ageSeconds: number } | string {
    const restored = readIssuerSnapshot(this.config, entry);
    if (typeof restored === 'string') return restored;
    const problem =
      this.discovery === undefined
        ? restored.jwksUri === this.config.jwksUri
          ? undefined
          : `"jwksUri" ${quote(restored.jwksUri)} is not the configured jwksUri`
        : this.discovery.restore(
            { jwksUri: restored.jwksUri, introspectionEndpoint: restored.introspectionEndpoint },
            restored.discoveredAt ?? restored.fetchedAt,
          );
    if (problem !== undefined) return problem;
    this.install(restored.index, restored.jwksUri, restored.lifetimeSeconds, restored.fetchedAt);
    return {
      keys: restored.index.size,
      ageSeconds: Math.floor((this.config.clock() - restored.fetchedAt) / 1000),
    };
  }

  async warm(): Promise<void> {
    const current = this.current;
    const set =
      current !== undefined && this.config.clock() < current.freshUntil
        ? current
        : await this.refresh('warm', false);
    // Every key imported, so that the synchronous path (verifySync) finds them.
    await set.index.importAll();
  }

  private async fromFreshSet(set: InstalledSet, kid: string | undefined, alg: string, now: number) {
    const lookup = set.index.lookup(kid, alg);
    if (lookup.kind === 'found') return set.index.resolve(lookup.entry, alg);
    if (lookup.kind === 'refused') throw keyNotFound(lookup.reason);
    // IDT-13, OK-6: an unfamiliar kid may mean the keys rotated, so refetch, but at most once
    // per cooldown, or a stream of made-up kids would become a stream of fetches (§4.13).
    if (this.inFlight === undefined) {
      const retryAt = this.unknownKidRefetchAt + this.config.cooldown * 1000;
      if (now < retryAt) {
        const retryInSeconds = Math.ceil((retryAt - now) / 1000);
        emit(this.config.onEvent, {
          type: 'jwks_cooldown',
          issuer: this.config.issuer,
          kid: kid === undefined ? undefined : eventText(kid),
          retryInSeconds,
        });
        // If that refetch failed, the kid is not known to be absent: the token may be fine (503).
        const failure = this.lastFailure;
        if (failure !== undefined && failure.at >= this.unknownKidRefetchAt) {
          throw upstreamFailure(
            `${lookup.reason}, and the key set cannot be refreshed`,
            failure.error,
            retryInSeconds,
          );
        }
        throw keyNotFound(
          `${lookup.reason}; a refetch of the key set was held back: the last one was ` +
            `${Math.floor((now - this.unknownKidRefetchAt) / 1000)} s ago and the next is allowed in ${retryInSeconds} s`,
        );
      }
      this.unknownKidRefetchAt = now;
    }
    return this.fromFetchedSet(await this.refresh('unknown_kid', true), kid, alg);
  }

  private async fromRefreshedSet(
    set: InstalledSet | undefined,
    kid: string | undefined,
    alg: string,
    now: number,
  ) {
    let next: InstalledSet;
    try {
      next = await this.refreshUnlessBackingOff(set === undefined ? 'initial' : 'expired', now);
    } catch (error) {
      return this.fromStaleSet(set, kid, alg, error as TokenwardError);
    }
    // The set was just fetched: a kid it lacks counts as refetched, which starts the cooldown.
    if (next.index.lookup(kid, alg).kind === 'missing') this.unknownKidRefetchAt = now;
    return this.fromFetchedSet(next, kid, alg);
  }

  private fromFetchedSet(set: InstalledSet, kid: string | undefined, alg: string): Promise<ResolvedKey> {
    const lookup = set.index.lookup(kid, alg);
    if (lookup.kind === 'found') return set.index.resolve(lookup.entry, alg);
    const after = lookup.kind === 'missing' ? ', even after refetching the key set' : '';
    throw keyNotFound(`${lookup.reason}${after}`);
  }

  /** Stale-if-error (§4.13): known kids keep working from the last good set for a while. */
  private fromStaleSet(
    set: InstalledSet | undefined,
    kid: string | undefined,
    alg: string,
    failure: TokenwardError,
  ): Promise<ResolvedKey> {
    if (set === undefined) throw failure;
    const now = this.config.clock();
    const expiredFor = Math.floor((now - set.freshUntil) / 1000);
    if (now >= set.staleUntil) {
      throw upstreamFailure(
        `The last good key set of ${this.config.issuer} expired ${expiredFor} s ago, beyond the ` +
          `stale-if-error window of ${this.config.staleIfError} s`,
        failure,
        failure.retryAfter,
      );
    }
    const lookup = set.index.lookup(kid, alg);
    if (lookup.kind === 'refused') throw keyNotFound(lookup.reason);
    if (lookup.kind === 'missing') {
      // An unknown kid cannot be told apart from a rotation we cannot see: the token may be fine.
      throw upstreamFailure(
        `${lookup.reason}, and the key set cannot be refreshed`,
        failure,
        failure.retryAfter,
      );
    }
    emit(this.config.onEvent, {
      type: 'jwks_stale_served',
      issuer: this.config.issuer,
      url: set.url,
      staleForSeconds: expiredFor,
    });
    const stale = this.config.tracing?.jwksStaleServed;
    if (stale?.hasSubscribers) {
      stale.publish({ issuer: this.config.issuer, url: set.url, staleForSeconds: expiredFor });
    }
    return set.index.resolve(lookup.entry, alg);
  }

  /** After a failed refresh, the next attempt waits one cooldown, so an outage is not hammered. */
  private refreshUnlessBackingOff(reason: JwksFetchReason, now: number): Promise<InstalledSet> {
    const failure = this.lastFailure;
    if (this.inFlight === undefined && failure !== undefined) {
      const retryAt = failure.at + this.config.cooldown * 1000;
      if (now < retryAt) {
        const retryAfter = Math.ceil((retryAt - now) / 1000);
        return Promise.reject(upstreamFailure(`Next attempt in ${retryAfter} s`, failure.error, retryAfter));
      }
    }
    return this.refresh(reason, false);
  }

  /**
   * Single-flight: every caller during a fetch shares it, whatever its reason; one that joins a
   * fetch another started waits a bounded time (see shared-flight.ts).
   */
  private refresh(reason: JwksFetchReason, revalidate: boolean): Promise<InstalledSet> {
    const shared = this.inFlight;
    if (shared !== undefined) {
      return joinShared(shared, joinBoundMs(this.config.httpTimeoutMs), () => {
        if (this.inFlight === shared) this.inFlight = undefined;
        return this.refresh(reason, revalidate);
      });
    }
    const fetching = this.fetchAndInstall(reason, revalidate).finally(() => {
      if (this.inFlight === fetching) this.inFlight = undefined;
    });
    this.inFlight = fetching;
    return fetching;
  }

  private async fetchAndInstall(reason: JwksFetchReason, revalidate: boolean): Promise<InstalledSet> {
    const { config } = this;
    let url: string | undefined;
    try {
      url = config.jwksUri ?? (await this.discovery!.jwksUri());
      warnIfInsecure(config, url);
      const started = performance.now();
      const fetched = await tracedFetchKeySet(config, url, reason, revalidate);
      const installed = this.install(
        new KeyIndex(fetched.keys, fetched.skipped, config.signatures),
        url,
        fetched.lifetimeSeconds,
      );
      // Imported in the background, not awaited: the fetch is single-flight, and a slow import must
      // not hold back a caller whose token names another key of the new set.
      void installed.index.importAll();
      this.lastFailure = undefined;
      emit(config.onEvent, {
        type: 'jwks_fetched',
        issuer: config.issuer,
        url,
        keys: fetched.keys.length,
        maxAgeSeconds: fetched.lifetimeSeconds,
        durationMs: performance.now() - started,
        reason,
      });
      return installed;
    } catch (error) {
      const failure =
        error instanceof TokenwardError
          ? error
          : new TokenwardError('ERR_JWKS_FETCH_FAILED', `Fetching the key set of ${config.issuer} failed`, {
              cause: error,
            });
      this.lastFailure = { at: config.clock(), error: failure };
      // Without a url the failure was discovery's, which reported it already.
      if (url !== undefined) {
        emit(config.onEvent, {
          type: 'jwks_refresh_failed',
          issuer: config.issuer,
          url,
          code: failure.code,
          message: failure.message,
        });
      }
      throw failure;
    }
  }

  private install(
    index: KeyIndex,
    url: string,
    lifetimeSeconds: number,
    fetchedAt: number = this.config.clock(),
  ): InstalledSet {
    const previous = this.current;
    const fingerprint = index.fingerprint;
    const unchanged = previous !== undefined && previous.fingerprint === fingerprint;
    if (!unchanged) {
      this.generation += 1;
      index.generation = this.generation;
    }
    const freshUntil = fetchedAt + lifetimeSeconds * 1000;
    this.current = {
      // The same keys served again keep their imports (and the verified-result cache stays valid).
      index: unchanged ? previous.index : index,
      fingerprint,
      url,
      fetchedAt,
      lifetimeSeconds,
      freshUntil,
      staleUntil: freshUntil + this.config.staleIfError * 1000,
    };
    return this.current;
  }
}

/** One key-set fetch, published on the JWKS channel while it has subscribers. */
function tracedFetchKeySet(
  config: IssuerKeysConfig,
  url: string,
  reason: JwksFetchReason,
  revalidate: boolean,
): Promise<FetchedKeySet> {
  const channel = config.tracing?.jwks;
  if (!isTraced(channel)) return fetchKeySet(config, url, { revalidate });
  const context: Timed & { issuer: string; url: string; reason: JwksFetchReason; keys: number | undefined } =
    {
      issuer: config.issuer,
      url,
      reason,
      keys: undefined,
      startedAt: performance.now(),
      durationMs: undefined,
      outcome: undefined,
    };
  return traceOperation(
    channel,
    context,
    () => fetchKeySet(config, url, { revalidate }),
    (done, fetched) => {
      done.keys = fetched.keys.length;
    },
  ) as Promise<FetchedKeySet>;
}

/** A 503 that keeps the code of the upstream failure behind it, and says what that failure was. */
function upstreamFailure(
  context: string,
  failure: TokenwardError,
  retryAfter: number | undefined,
): TokenwardError {
  return new TokenwardError(failure.code, `${context}: ${failure.message}`, { cause: failure, retryAfter });
}

function keyNotFound(reason: string): TokenwardError {
  return new TokenwardError('ERR_KEY_NOT_FOUND', `No key to verify the token: ${reason}`);
}
