import type { AccessTokenResult } from '@tokenward/core';

/** What `requireAuth`/`optionalAuth` decided for one request, read by the route-level checks after it. */
export interface AuthState {
  /** The realm challenges for this request carry. */
  readonly realm: string | undefined;
  /** The verified token; `undefined` for an anonymous request let through by `optionalAuth`. */
  readonly result: AccessTokenResult | undefined;
  /** A CORS preflight let through untouched. */
  readonly preflight: boolean;
}

// Keyed by the request object so nothing a client sends, and no other middleware writing
// `req.auth`, can make a route-level check believe authentication ran.
const states = new WeakMap<object, AuthState>();

export function recordAuthState(req: object, state: AuthState): void {
  states.set(req, state);
}

export function authStateOf(req: object): AuthState | undefined {
  return states.get(req);
}
