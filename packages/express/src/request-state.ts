import { IncomingMessage } from 'node:http';
import type { RouteCheckState } from '@tokenward/core';
import type { Request } from 'express';
import type { TokenwardAuth } from './types.js';

// Beside the request: under Express each request has a hidden class of its own, and a property added to it
// builds another, per request (several times this WeakMap's insert). `req.auth` is an accessor on Express's
// base request (every `app.request` inherits it) over the entry; route checks read the state, which it keeps.
const kept = new WeakMap<object, { state: RouteCheckState | undefined; auth: unknown }>();
const authAccessor = {
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
/** The last request's prototype, and whether its chain's `auth` is this accessor: one look-up per prototype. */
let seenPrototype: object | null | undefined;
let inheritsAccessor = false;
export const authStateOf = (req: object): RouteCheckState | undefined => kept.get(req)?.state;

export function keepAuthState(req: Request, state: RouteCheckState): void {
  const prototype = Object.getPrototypeOf(req) as object | null;
  if (prototype !== seenPrototype) [seenPrototype, inheritsAccessor] = [prototype, adoptChain(prototype)];
  // Unless `req.auth` is its own, `req.auth =` only replaces the entry: one insert, without the slow look-up.
  if (state.result !== undefined && inheritsAccessor && !Object.hasOwn(req, 'auth'))
    return void kept.set(req, { state, auth: state.result });
  const entry = kept.get(req);
  if (entry === undefined) kept.set(req, { state, auth: undefined });
  else entry.state = state;
  if (state.result !== undefined) req.auth = state.result as TokenwardAuth;
}

/** Whether a chain's `auth` is the accessor, which Express's base request gets when the chain has none. */
function adoptChain(prototype: object | null): boolean {
  for (let holder = prototype; holder !== null; holder = Object.getPrototypeOf(holder) as object | null) {
    const found = Object.getOwnPropertyDescriptor(holder, 'auth');
    if (found !== undefined) return found.get === authAccessor.get;
    if (Object.getPrototypeOf(holder) !== IncomingMessage.prototype) continue;
    return !('auth' in holder) && Reflect.defineProperty(holder, 'auth', authAccessor); // none above the base
  }
  return false; // no base: `req.auth` stays the request's own
}
