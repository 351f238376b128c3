import type { ServerResponse } from 'node:http';
import type { EndpointContext } from '../lib/context.js';
import { sendJson, sendMethodNotAllowed } from '../lib/http.js';
import { verifyOwnToken } from '../lib/verify-own.js';
import { TEST_USER, testUserProfileClaims } from '../test-user.js';

function challenge(res: ServerResponse, status: 400 | 401 | 403, error: string, description: string): void {
  // RFC 6750 §3: the error travels in WWW-Authenticate, and the body repeats it.
  const header = `Bearer realm="tokenward-issuer", error="${error}", error_description="${description}"`;
  sendJson(res, status, { error, error_description: description }, { 'WWW-Authenticate': header });
}

/**
 * OIDC Core §5.3 userinfo: an access token of this server with the `openid` scope, sent as
 * `Authorization: Bearer`. The test user's profile is returned; other subjects get only `sub`.
 */
export async function handleUserinfo(context: EndpointContext): Promise<void> {
  const { req, res, server } = context;
  if (req.method !== 'GET' && req.method !== 'POST') return sendMethodNotAllowed(res, ['GET', 'POST']);
  const authorization = req.headers.authorization;
  if (authorization === undefined) {
    res.writeHead(401, { 'WWW-Authenticate': 'Bearer realm="tokenward-issuer"', 'Content-Length': 0 });
    res.end();
    return;
  }
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization.trim());
  if (!match?.[1]) return challenge(res, 400, 'invalid_request', 'Malformed Authorization header');
  const claims = verifyOwnToken(server, match[1]);
  if (!claims || !Array.isArray(claims.scp)) {
    return challenge(res, 401, 'invalid_token', 'The access token is invalid');
  }
  if (!claims.scp.includes('openid')) {
    return challenge(res, 403, 'insufficient_scope', 'The access token lacks the openid scope');
  }
  const isTestUser = claims.uid === TEST_USER.id;
  sendJson(res, 200, isTestUser ? { sub: TEST_USER.id, ...testUserProfileClaims() } : { sub: claims.sub }, {
    'Cache-Control': 'no-store',
  });
}
