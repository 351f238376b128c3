/** `@tokenward/mcp`: tokenward verification for Model Context Protocol servers. */
export { type TokenwardAuthExtra, toAuthInfo } from './auth-info.js';
export { type McpVerifierSource, mcpTokenVerifier } from './token-verifier.js';
