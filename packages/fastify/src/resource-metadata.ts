import {
  type AccessTokenVerifier,
  type ProtectedResourceMetadataOptions,
  protectedResourceMetadataEndpoint,
  TokenwardError,
} from '@tokenward/core';
import type { FastifyInstance } from 'fastify';
import fastifyPlugin from 'fastify-plugin';

/** Options of {@link resourceMetadataPlugin}: the verifier and what it cannot know about the API. */
export interface ResourceMetadataPluginOptions extends ProtectedResourceMetadataOptions {
  /** The verifier the API checks tokens with, created with a `resource`. */
  readonly verifier: AccessTokenVerifier;
}

async function resourceMetadata(fastify: FastifyInstance, options: ResourceMetadataPluginOptions) {
  const { verifier, ...metadataOptions } = options;
  if (typeof (verifier as Partial<AccessTokenVerifier> | undefined)?.verify !== 'function') {
    throw configError('`verifier` must come from createAccessTokenVerifier()');
  }
  // The well-known URL starts at the origin's root (RFC 9728 section 3.1): under a prefix the
  // route would publish the document where no client looks.
  if (fastify.prefix !== '') {
    throw configError(
      `register it without a prefix (found "${fastify.prefix}"): the metadata URL starts at the root`,
    );
  }
  const endpoint = protectedResourceMetadataEndpoint(verifier, metadataOptions);
  // GET also answers HEAD (Fastify's exposeHeadRoutes), without the body.
  fastify.route({
    method: ['GET', 'OPTIONS'],
    url: endpoint.path,
    handler: async (request, reply) => {
      const answer = endpoint.answer(request.method);
      if (answer === undefined) return reply.callNotFound();
      return reply.code(answer.status).headers(answer.headers).send(answer.body);
    },
  });
}

function configError(message: string): TokenwardError {
  return new TokenwardError('ERR_CONFIG', `tokenward: @tokenward/fastify resourceMetadataPlugin: ${message}`);
}

/**
 * Serves the API's protected resource metadata (RFC 9728) at the well-known URL of the
 * verifier's `resource`, built from the verifier itself so the document and the checks cannot
 * disagree. Register it on the root instance (no prefix); a verifier without `resource` or a
 * prefix is `ERR_CONFIG` at registration.
 *
 * @example
 * await app.register(resourceMetadataPlugin, { verifier, scopesSupported: ['mcp:tools'] });
 */
export const resourceMetadataPlugin = fastifyPlugin(resourceMetadata, {
  fastify: '5.x',
  name: '@tokenward/fastify/resource-metadata',
});
