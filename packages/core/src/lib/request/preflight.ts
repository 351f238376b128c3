import { type HeaderSource, headerValue, isMethod } from './headers.js';

/**
 * A CORS preflight: `OPTIONS` with `Origin` and `Access-Control-Request-Method` (Fetch standard,
 * CORS-preflight request). It carries no credentials by design, so the request step answers it
 * instead of letting it reach a protected handler anonymously. Both headers are client-chosen:
 * a preflight proves nothing about the caller.
 */
export function isPreflight(request: HeaderSource & { readonly method?: string | undefined }): boolean {
  return (
    isMethod(request.method, 'OPTIONS') &&
    headerValue(request, 'origin') !== undefined &&
    headerValue(request, 'access-control-request-method') !== undefined
  );
}
