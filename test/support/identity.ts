import { afterAll } from 'vitest';
import { DEFAULT_CLAIM_MAPPING, makeOidcAuthenticator } from '../../shared/auth';
import { UnauthenticatedError } from '../../shared/errors';
import type { Authenticator, Principal } from '../../shared/auth/principal';
import { startDevOidcProvider } from '../../mesh/oidc/dev-provider';
import { DEV_AUDIENCE, getDevToken } from '../../mesh/oidc/get-token';
import type { DevUserName } from '../../mesh/oidc/users';

export interface DevIdentity {
  issuer: string;
  /** The real OIDC authenticator, pointed at the dev provider. */
  authenticator: Authenticator;
  /** `Authorization` header value with a real access token of a seeded user (cached per user). */
  bearer(user: DevUserName): Promise<string>;
}

/** Starts the dev OpenID provider on an ephemeral port for this file; stopped after its tests. */
export async function useDevIdentity(audience = DEV_AUDIENCE): Promise<DevIdentity> {
  const provider = await startDevOidcProvider({ port: 0, audience });
  afterAll(() => provider.close());
  const tokens = new Map<DevUserName, Promise<string>>();
  return {
    issuer: provider.issuer,
    authenticator: makeOidcAuthenticator({
      issuer: provider.issuer,
      audience,
      mapping: DEFAULT_CLAIM_MAPPING,
      allowInsecureRequests: true,
    }),
    async bearer(user) {
      let token = tokens.get(user);
      if (!token) {
        token = getDevToken(provider.issuer, user, audience);
        tokens.set(user, token);
      }
      return `Bearer ${await token}`;
    },
  };
}

/**
 * An authenticator that accepts one fixed token and answers a fixed Principal, for callers the
 * dev provider has no seeded user for (e.g. a caller without any role).
 */
export function fixedAuthenticator(token: string, principal: Principal): Authenticator {
  return {
    authenticate(authorization) {
      if (authorization !== `Bearer ${token}`) return Promise.reject(new UnauthenticatedError('unknown token'));
      return Promise.resolve(principal);
    },
  };
}
