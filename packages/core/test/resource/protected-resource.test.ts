import { describe, expect, it } from 'vitest';
import { isTokenwardError } from '../../src/errors.js';
import {
  canonicalResourceUri,
  protectedResourceMetadata,
  protectedResourceMetadataUrl,
} from '../../src/protected-resource.js';

const configCode = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return isTokenwardError(error) ? error.code : 'not a TokenwardError';
  }
  return 'no error';
};

describe('canonical resource identifiers (RFC 8707 section 2)', () => {
  it.each([
    ['HTTPS://MCP.Example.COM:443/mcp', 'https://mcp.example.com/mcp'],
    ['https://mcp.example.com/', 'https://mcp.example.com'],
    ['https://mcp.example.com', 'https://mcp.example.com'],
    ['https://mcp.example.com:8443/a/b/', 'https://mcp.example.com:8443/a/b/'],
    ['http://127.0.0.1:3000/mcp', 'http://127.0.0.1:3000/mcp'],
  ])('%s becomes %s', (input, canonical) => {
    expect(canonicalResourceUri(input)).toBe(canonical);
  });

  it.each([
    ['a fragment', 'https://mcp.example.com/mcp#top'],
    ['an empty fragment', 'https://mcp.example.com/mcp#'],
    ['a query', 'https://mcp.example.com/mcp?tenant=a'],
    ['plain http off loopback', 'http://mcp.example.com/mcp'],
    ['credentials', 'https://user:pw@mcp.example.com/mcp'],
    ['a relative reference', '/mcp'],
    ['another scheme', 'urn:example:api'],
    ['an empty string', ''],
  ])('refuses %s with ERR_CONFIG', (_, input) => {
    expect(configCode(() => canonicalResourceUri(input))).toBe('ERR_CONFIG');
  });
});

describe('protected resource metadata (RFC 9728)', () => {
  it('inserts the well-known segment between host and path (RFC 9728 section 3.1)', () => {
    expect(protectedResourceMetadataUrl('https://mcp.example.com/mcp')).toBe(
      'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
    );
    expect(protectedResourceMetadataUrl('https://mcp.example.com')).toBe(
      'https://mcp.example.com/.well-known/oauth-protected-resource',
    );
    expect(protectedResourceMetadataUrl('http://127.0.0.1:8080/a/b')).toBe(
      'http://127.0.0.1:8080/.well-known/oauth-protected-resource/a/b',
    );
  });

  it('builds the document from the verifier: resource, issuers, DPoP algorithms (RFC 9728 section 2)', () => {
    const verifier = {
      issuers: ['https://acme.okta.com/oauth2/default', 'https://acme.okta.com/oauth2/aus1'],
      resource: 'https://mcp.example.com/mcp',
      dpop: { algorithms: ['ES256', 'EdDSA'], mode: 'required' as const },
    };
    const { url, path, document } = protectedResourceMetadata(verifier, {
      scopesSupported: ['mcp:tools', 'mcp:tools'],
      resourceName: 'Example MCP',
    });
    expect(url).toBe('https://mcp.example.com/.well-known/oauth-protected-resource/mcp');
    expect(path).toBe('/.well-known/oauth-protected-resource/mcp');
    expect(document).toEqual({
      resource: 'https://mcp.example.com/mcp',
      authorization_servers: verifier.issuers,
      bearer_methods_supported: ['header'],
      scopes_supported: ['mcp:tools'],
      resource_name: 'Example MCP',
      dpop_signing_alg_values_supported: ['ES256', 'EdDSA'],
      dpop_bound_access_tokens_required: true,
    });
    expect(Object.isFrozen(document)).toBe(true);
    // RFC 9728 section 3.3: the document's resource equals the identifier its URL was built from.
    expect(protectedResourceMetadataUrl(document.resource)).toBe(url);
  });

  it('leaves DPoP members out for a Bearer-only verifier', () => {
    const { document } = protectedResourceMetadata({
      issuers: ['https://a.example'],
      resource: 'https://api.example',
    });
    expect(document).not.toHaveProperty('dpop_signing_alg_values_supported');
    expect(document.bearer_methods_supported).toEqual(['header']);
  });

  it.each([
    ['a verifier without resource', { issuers: ['https://a.example'] }, {}],
    [
      'a scope with a space',
      { issuers: ['https://a.example'], resource: 'https://api.example' },
      { scopesSupported: ['a b'] },
    ],
    [
      'an empty name',
      { issuers: ['https://a.example'], resource: 'https://api.example' },
      { resourceName: ' ' },
    ],
    [
      'an unknown bearer method',
      { issuers: ['https://a.example'], resource: 'https://api.example' },
      { bearerMethodsSupported: ['cookie'] },
    ],
  ])('refuses %s with ERR_CONFIG', (_, verifier, options) => {
    expect(configCode(() => protectedResourceMetadata(verifier, options as never))).toBe('ERR_CONFIG');
  });
});
