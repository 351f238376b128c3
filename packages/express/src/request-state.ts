import { IncomingMessage } from 'node:http';
import type { RouteChallenge } from '@tokenward/core';
import type { Request } from 'express';
import type { TokenwardAuth } from './types.js';

export type AuthState = { challenge: RouteChallenge; result: TokenwardAuth | undefined; preflight: boolean };

// Beside the request, not on it: once Express swaps a request's prototype, V8 builds a new hidden class
// for every property added to it, on every request. `req.auth` is an accessor on Express's base request
// (which every `app.request` inherits); module-private states: no `req.auth` write fakes a verification.
const states = new WeakMap<object, AuthState>();
const assigned = new WeakMap<object, unknown>();
const authAccessor: PropertyDescriptor = {
  configurable: true,
  get(this: object) {
    return assigned.get(this);
  },
  set(this: object, auth: unknown) {
    assigned.set(this, auth);
  },
};

export const authStateOf = (req: object): AuthState | undefined => states.get(req);

export function keepAuthState(req: Request, state: AuthState): void {
  states.set(req, state);
  if (state.result === undefined) return;
  if (!('auth' in req)) defineAuthAccessor(req);
  req.auth = state.result;
}

function defineAuthAccessor(req: object): void {
  let base = Object.getPrototypeOf(req);
  while (base !== null && Object.getPrototypeOf(base) !== IncomingMessage.prototype)
    base = Object.getPrototypeOf(base);
  if (base !== null) Object.defineProperty(base, 'auth', authAccessor); // else `req.auth` stays its own
}
