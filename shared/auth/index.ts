export * from './principal';
export * from './tenant';
export { claimMappingEnvSchema, claimMappingSchema, claimValues, DEFAULT_CLAIM_MAPPING, mapClaims, readClaim, type ClaimMapping } from './claims';
export {
  ALLOWED_ALGORITHMS,
  authConfigSchema,
  authenticatorFromEnv,
  bearerToken,
  makeOidcAuthenticator,
  type AuthConfig,
  type OidcAuthenticatorOptions,
} from './oidc-authenticator';
