/**
 * What Traefik's forwardAuth sends the gateway, as its source does it (pkg/middlewares/auth/forward.go):
 * a GET to the address with the client's headers, and X-Forwarded-Method, -Proto, -Host, -Uri and
 * -For describing the request, over any the client sent (the recipe's `trustForwardHeader: false`).
 */
export function askAsTraefik(
  address: string,
  method: string,
  uri: string,
  clientHeaders: Record<string, string>,
): Promise<Response> {
  return fetch(address, {
    headers: {
      ...clientHeaders,
      'X-Forwarded-Method': method,
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Host': 'api.example.com',
      'X-Forwarded-Uri': uri,
      'X-Forwarded-For': '203.0.113.7',
    },
  });
}
