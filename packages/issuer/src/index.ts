export { type CliStreams, type IssuerCliOptions, type IssuerCliRun, runIssuerCli } from './cli.js';
export {
  ISSUER_USAGE,
  IssuerArgsError,
  type IssuerCommand,
  parseClientSpec,
  parseIssuerArgs,
} from './cli-args.js';
export { startIssuer } from './issuer.js';
export { TEST_USER } from './test-user.js';
export type {
  AuthServer,
  ClientRegistration,
  Endpoint,
  Fault,
  IdTokenMintOptions,
  IssuerOptions,
  MintOptions,
  OrgServerLayout,
  PublishedJwk,
  ReferenceIssuer,
  SigningAlg,
} from './types.js';
