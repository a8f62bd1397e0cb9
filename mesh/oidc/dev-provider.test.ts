import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLAIM_MAPPING } from '../../shared/auth/claims';
import { makeOidcAuthenticator } from '../../shared/auth/oidc-authenticator';
import type { Authenticator } from '../../shared/auth/principal';
import { RetryableError, UnauthenticatedError } from '../../shared/errors/errors';
import { startDevOidcProvider, type DevOidcProvider } from './dev-provider';
import { DEV_AUDIENCE, getDevToken } from './get-token';
import { DEV_PROVIDER_ID } from './users';

const OTHER_AUDIENCE = 'urn:ahs:some-other-api';

describe('the dev OpenID provider with the OIDC authenticator, end to end', () => {
  let provider: DevOidcProvider;
  let auth: Authenticator;
  const bearer = async (user: string, audience = DEV_AUDIENCE) => `Bearer ${await getDevToken(provider.issuer, user, audience)}`;

  beforeAll(async () => {
    provider = await startDevOidcProvider({ port: 0, audience: [DEV_AUDIENCE, OTHER_AUDIENCE] });
    auth = makeOidcAuthenticator({
      issuer: provider.issuer,
      audience: DEV_AUDIENCE,
      mapping: DEFAULT_CLAIM_MAPPING,
      allowInsecureRequests: true,
    });
  });
  afterAll(() => provider.close());

  it('when operator-es gets a token, then it authenticates as an operator of ES', async () => {
    expect(await auth.authenticate(await bearer('operator-es'))).toEqual({
      subject: 'op-es-0001',
      roles: ['operator'],
      scope: { countries: ['ES'], businessUnits: [], stores: [], providerId: null },
    });
  });

  it('when the technician gets a token, then subject tech-0001 and their provider are in the Principal', async () => {
    const principal = await auth.authenticate(await bearer('technician'));
    expect(principal).toMatchObject({ subject: 'tech-0001', roles: ['technician'] });
    expect(principal.scope).toMatchObject({ countries: ['ES'], providerId: DEV_PROVIDER_ID });
  });

  it.each([
    ['operator-fr', ['operator'], ['FR'], null],
    ['provider-admin', ['provider-admin'], ['ES'], DEV_PROVIDER_ID],
    ['admin', ['admin'], ['*'], null],
  ])('when %s gets a token, then the seeded roles and scope come through', async (user, roles, countries, providerId) => {
    const principal = await auth.authenticate(await bearer(user));
    expect(principal.roles).toEqual(roles);
    expect(principal.scope).toMatchObject({ countries, providerId });
  });

  it('when the token is an RS256 JWT access token, then it names the issuer and the audience', async () => {
    const token = await getDevToken(provider.issuer, 'operator-es', DEV_AUDIENCE);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    expect(decodeJwt(token)).toMatchObject({ iss: provider.issuer, aud: DEV_AUDIENCE, sub: 'op-es-0001' });
  });

  it('when the token was issued for another audience, then Unauthenticated', async () => {
    await expect(auth.authenticate(await bearer('operator-es', OTHER_AUDIENCE))).rejects.toThrow(UnauthenticatedError);
  });

  it('when the signature is tampered with, then Unauthenticated', async () => {
    const [header, payload, signature = ''] = (await getDevToken(provider.issuer, 'operator-es', DEV_AUDIENCE)).split('.');
    const flipped = (signature.startsWith('A') ? 'B' : 'A') + signature.slice(1);
    await expect(auth.authenticate(`Bearer ${header}.${payload}.${flipped}`)).rejects.toThrow(/signature invalid/);
  });

  it('when the claims are tampered with (admin claims on a signed operator token), then Unauthenticated', async () => {
    const [header, payload = '', signature] = (await getDevToken(provider.issuer, 'operator-es', DEV_AUDIENCE)).split('.');
    const claims = { ...decodeJwt(`${header}.${payload}.${signature}`), ahs: { roles: ['AHS_ADMIN'], countries: ['*'] } };
    const forged = Buffer.from(JSON.stringify(claims)).toString('base64url');
    await expect(auth.authenticate(`Bearer ${header}.${forged}.${signature}`)).rejects.toThrow(UnauthenticatedError);
  });

  it('when a token is forged with another key under the provider key id, then Unauthenticated', async () => {
    const real = await getDevToken(provider.issuer, 'admin', DEV_AUDIENCE);
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(decodeJwt(real)).setProtectedHeader(decodeProtectedHeader(real) as { alg: string }).sign(privateKey);
    await expect(auth.authenticate(`Bearer ${forged}`)).rejects.toThrow(/signature invalid/);
  });

  it('when the token has expired, then Unauthenticated', async () => {
    const inTwoHours = () => new Date(Date.now() + 2 * 3600_000);
    const late = makeOidcAuthenticator({
      issuer: provider.issuer,
      audience: DEV_AUDIENCE,
      mapping: DEFAULT_CLAIM_MAPPING,
      allowInsecureRequests: true,
      now: inTwoHours,
    });
    await expect(late.authenticate(await bearer('operator-es'))).rejects.toThrow(/expired/);
  });

  it('when the Authorization header is missing, then Unauthenticated', async () => {
    await expect(auth.authenticate(undefined)).rejects.toThrow(UnauthenticatedError);
  });

  it('when a user is not seeded, then the provider refuses a token', async () => {
    await expect(getDevToken(provider.issuer, 'mallory', DEV_AUDIENCE)).rejects.toThrow();
  });
});

describe('the OIDC authenticator when the dev provider is down', () => {
  it('when the issuer has stopped, then RetryableError', async () => {
    const stopped = await startDevOidcProvider({ port: 0, audience: DEV_AUDIENCE });
    const token = await getDevToken(stopped.issuer, 'operator-es', DEV_AUDIENCE);
    await stopped.close();
    const auth = makeOidcAuthenticator({
      issuer: stopped.issuer,
      audience: DEV_AUDIENCE,
      mapping: DEFAULT_CLAIM_MAPPING,
      allowInsecureRequests: true,
    });
    await expect(auth.authenticate(`Bearer ${token}`)).rejects.toThrow(RetryableError);
  });
});
