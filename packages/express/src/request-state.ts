import { IncomingMessage } from 'node:http';
import type { RouteCheckState } from '@tokenward/core';
import type { Request } from 'express';
import type { TokenwardAuth } from './types.js';

// Beside the request, not on it: once Express swaps a request's prototype, V8 builds a new hidden class
// for every property added to it, on every request. `req.auth` is an accessor on Express's base request
// (which every `app.request` inherits) over the same entry; route checks read the state, which no
// `req.auth` write changes.
const kept = new WeakMap<object, { state: RouteCheckState | undefined; auth: unknown }>();
const authAccessor: PropertyDescriptor = {
  configurable: true,
  get(this: object) {
    return kept.get(this)?.auth;
  },
  set(this: object, auth: unknown) {
    const entry = kept.get(this);
    if (entry === undefined) kept.set(this, { state: undefined, auth });
    else entry.auth = auth;
  },
};
/** The last request's prototype: each named look-up on a request misses V8's caches, so one per prototype. */
let seenPrototype: object | null | undefined;

export const authStateOf = (req: object): RouteCheckState | undefined => kept.get(req)?.state;

export function keepAuthState(req: Request, state: RouteCheckState): void {
  const prototype = Object.getPrototypeOf(req) as object | null;
  if (prototype !== seenPrototype && (prototype === null || !('auth' in prototype))) defineAuthAccessor(req);
  seenPrototype = prototype;
  const entry = kept.get(req);
  if (entry === undefined) kept.set(req, { state, auth: undefined });
  else entry.state = state;
  // Through the accessor, or an own property: set before the accessor was, or on a chain without a base.
  if (state.result !== undefined) req.auth = state.result as TokenwardAuth;
}

function defineAuthAccessor(req: object): void {
  let base = Object.getPrototypeOf(req);
  while (base !== null && Object.getPrototypeOf(base) !== IncomingMessage.prototype)
    base = Object.getPrototypeOf(base);
  if (base !== null) Object.defineProperty(base, 'auth', authAccessor); // else `req.auth` stays its own
}
