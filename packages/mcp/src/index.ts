/** `@tokenward/mcp`: tokenward verification for Model Context Protocol servers. */
export { type TokenwardAuthExtra, toAuthInfo, withAuthInfo } from './auth-info.js';
export { type BodyErrorResponse, mcpBodyErrorHandler } from './body-errors.js';
export { type McpVerifierSource, mcpTokenVerifier } from './token-verifier.js';
export {
  type ToolRequirements,
  type ToolRequirementsCheck,
  type ToolRequirementsOptions,
  toolRequirementsCheck,
} from './tool-requirements.js';
