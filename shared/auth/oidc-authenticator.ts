/**
 * Bearer-token authentication against an OpenID provider (PingFederate in production, the dev
 * provider in mesh/oidc locally). Nothing touches the network at construction: discovery and the
 * JWKS are fetched on the first authenticate and cached, since cold start matters.
 */
import * as jose from 'jose';
import * as oidc from 'openid-client';
import { z } from 'zod';
import { env, parseConfig } from '../config/config';
import { RetryableError, UnauthenticatedError } from '../errors/errors';
import { claimMappingEnvSchema, mapClaims, type ClaimMapping } from './claims';
import type { Authenticator, Principal } from './principal';

export const ALLOWED_ALGORITHMS = ['RS256', 'ES256', 'PS256'];

export interface OidcAuthenticatorOptions {
  issuer: string;
  audience: string;
  mapping: ClaimMapping;
  /** Plain-HTTP issuer, for the local dev provider only. */
  allowInsecureRequests?: boolean;
  clockToleranceSec?: number;
  /** Discovery and JWKS request timeout. */
  timeoutSec?: number;
  now?: () => Date;
}

interface Verifier {
  issuer: string;
  getKey: jose.JWTVerifyGetKey;
}

/** The issuer or its JWKS could not be reached or read: not the caller's fault. */
class IssuerUnavailable extends Error {}

function isIssuerFailure(error: unknown): boolean {
  return (
    !(error instanceof jose.errors.JOSEError) || // network error, abort
    error instanceof jose.errors.JWKSTimeout ||
    error instanceof jose.errors.JWKSInvalid ||
    error.constructor === jose.errors.JOSEError // non-200 or non-JSON JWKS response
  );
}

/** A short reason for the caller; never the token, never key material. */
function reasonFor(error: jose.errors.JOSEError): string {
  if (error instanceof jose.errors.JWTExpired) return 'token expired';
  if (error instanceof jose.errors.JWTClaimValidationFailed) return `token ${error.claim} claim rejected`;
  if (error instanceof jose.errors.JWSSignatureVerificationFailed) return 'token signature invalid';
  if (error instanceof jose.errors.JWKSNoMatchingKey) return 'token signed by an unknown key';
  if (error instanceof jose.errors.JOSEAlgNotAllowed) return 'token algorithm not allowed';
  return 'token malformed';
}

export function bearerToken(authorization: string | undefined): string {
  if (authorization === undefined || authorization.trim() === '') {
    throw new UnauthenticatedError('missing Authorization header');
  }
  const match = /^(\S+)\s+(\S+)\s*$/.exec(authorization.trim());
  if (!match || match[1]?.toLowerCase() !== 'bearer' || !match[2]) {
    throw new UnauthenticatedError('Authorization header is not a Bearer token');
  }
  return match[2];
}

/** How many verified tokens a function instance remembers (an app sends the same token for an hour). */
const VERIFIED_CACHE_SIZE = 2000;

export function makeOidcAuthenticator(options: OidcAuthenticatorOptions): Authenticator {
  const timeoutSec = options.timeoutSec ?? 5;
  let verifier: Promise<Verifier> | undefined;
  /**
   * Tokens already verified, by their exact text, until they expire: a signature check is the
   * costliest part of a mobile app's request and the same token comes back for its lifetime.
   * Only a byte-identical token hits; insertion order evicts the oldest past the size bound.
   */
  const verified = new Map<string, { principal: Principal; expiresAtMs: number }>();
  const nowMs = () => (options.now ? options.now().getTime() : Date.now());

  const discover = async (): Promise<Verifier> => {
    const config = await oidc.discovery(new URL(options.issuer), options.audience, undefined, oidc.None(), {
      execute: options.allowInsecureRequests ? [oidc.allowInsecureRequests] : [],
      timeout: timeoutSec,
    });
    const metadata = config.serverMetadata();
    if (!metadata.jwks_uri) throw new Error('issuer metadata has no jwks_uri');
    const remote = jose.createRemoteJWKSet(new URL(metadata.jwks_uri), { timeoutDuration: timeoutSec * 1000 });
    const getKey: jose.JWTVerifyGetKey = async (header, token) => {
      try {
        return await remote(header, token);
      } catch (error) {
        throw isIssuerFailure(error) ? new IssuerUnavailable('JWKS unavailable', { cause: error }) : error;
      }
    };
    return { issuer: metadata.issuer, getKey };
  };

  /** One discovery shared by concurrent first calls; a failed one is retried on the next call. */
  const getVerifier = (): Promise<Verifier> => {
    verifier ??= discover().catch((error: unknown) => {
      verifier = undefined;
      throw new RetryableError('identity provider unavailable (discovery failed)', { cause: error });
    });
    return verifier;
  };

  return {
    async authenticate(authorization: string | undefined): Promise<Principal> {
      const token = bearerToken(authorization);
      const known = verified.get(token);
      if (known && known.expiresAtMs > nowMs()) return known.principal;
      if (known) verified.delete(token);
      const { issuer, getKey } = await getVerifier();
      let payload: jose.JWTPayload;
      try {
        ({ payload } = await jose.jwtVerify(token, getKey, {
          issuer,
          audience: options.audience,
          algorithms: ALLOWED_ALGORITHMS,
          clockTolerance: options.clockToleranceSec ?? 30,
          requiredClaims: ['sub', 'exp'],
          ...(options.now ? { currentDate: options.now() } : {}),
        }));
      } catch (error) {
        if (error instanceof IssuerUnavailable) {
          throw new RetryableError('identity provider unavailable (JWKS)', { cause: error.cause });
        }
        if (error instanceof jose.errors.JOSEError) throw new UnauthenticatedError(reasonFor(error), { cause: error });
        throw error;
      }
      const principal = mapClaims(payload, options.mapping);
      if (typeof payload.exp === 'number') {
        if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value as string);
        verified.set(token, { principal, expiresAtMs: payload.exp * 1000 });
      }
      return principal;
    },
  };
}

export const authConfigSchema = z.object({
  OIDC_ISSUER: env.url(),
  OIDC_AUDIENCE: z.string().trim().min(1),
  OIDC_ALLOW_INSECURE: env.bool(false),
  AUTH_CLAIM_MAPPING: claimMappingEnvSchema,
});

export type AuthConfig = z.infer<typeof authConfigSchema>;

/** Parses the auth variables (failing at boot, naming them) and builds the authenticator. */
export function authenticatorFromEnv(
  environment: NodeJS.ProcessEnv = process.env,
  overrides: Pick<OidcAuthenticatorOptions, 'clockToleranceSec' | 'timeoutSec' | 'now'> = {},
): Authenticator {
  const config = parseConfig(authConfigSchema, environment);
  return makeOidcAuthenticator({
    issuer: config.OIDC_ISSUER,
    audience: config.OIDC_AUDIENCE,
    mapping: config.AUTH_CLAIM_MAPPING,
    allowInsecureRequests: config.OIDC_ALLOW_INSECURE,
    ...overrides,
  });
}
