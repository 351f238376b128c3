export { type CliStreams, type IssuerCliOptions, type IssuerCliRun, runIssuerCli } from './cli.js';
export {
  ISSUER_USAGE,
  IssuerArgsError,
  type IssuerCommand,
  parseClientSpec,
  parseIssuerArgs,
} from './cli-args.js';
export { startIssuer } from './issuer.js';
export { ACR_VALUES, TEST_USER } from './test-user.js';
export type {
  AcrValue,
  AuthServer,
  ClientRegistration,
  Endpoint,
  Fault,
  IdTokenMintOptions,
  IntrospectionReshape,
  IssuerOptions,
  MintOptions,
  OrgServerLayout,
  PublishedJwk,
  ReferenceIssuer,
  SigningAlg,
  TestUserSignIn,
} from './types.js';
