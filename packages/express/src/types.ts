import type { AccessTokenResult } from '@tokenward/core';

declare global {
  namespace Express {
    interface Request {
      /** The verified access token, set by `requireAuth`/`optionalAuth`; frozen. Unset for anonymous requests. */
      auth?: AccessTokenResult;
    }
  }
}
