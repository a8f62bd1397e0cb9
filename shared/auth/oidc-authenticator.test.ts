import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetryableError, UnauthenticatedError } from '../errors/errors';
import { claimMappingSchema, DEFAULT_CLAIM_MAPPING } from './claims';
import { makeOidcAuthenticator } from './oidc-authenticator';

/** A stub issuer: discovery document + JWKS of one RS256 key, counting requests. */
interface StubIssuer {
  issuer: string;
  key: CryptoKey;
  hits: string[];
  close(): Promise<void>;
}

async function listen(handler: http.RequestListener): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function deadUrl(): Promise<string> {
  const { url, server } = await listen(() => undefined);
  await new Promise((resolve) => server.close(resolve));
  return url;
}

async function startStubIssuer(jwksUri?: string): Promise<StubIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
  const hits: string[] = [];
  let issuer = '';
  const { url, server } = await listen((req, res) => {
    hits.push(req.url ?? '');
    const body = req.url === '/jwks' ? jwks : { issuer, jwks_uri: jwksUri ?? `${issuer}/jwks` };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  issuer = url;
  const close = () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  return { issuer, key: privateKey, hits, close };
}

const AUD = 'urn:ahs:field-service';

function sign(stub: StubIssuer, claims: JWTPayload, exp: string | number = '5m'): Promise<string> {
  const defaults = { iss: stub.issuer, aud: AUD, sub: 'op-es-0001', ahs: { roles: ['AHS_OPERATOR'], countries: ['ES'] } };
  return new SignJWT({ ...defaults, ...claims }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuedAt().setExpirationTime(exp).sign(stub.key);
}

describe('makeOidcAuthenticator against a stub issuer', () => {
  let stub: StubIssuer;
  beforeAll(async () => {
    stub = await startStubIssuer();
  });
  afterAll(() => stub.close());
  const authenticator = () => makeOidcAuthenticator({ issuer: stub.issuer, audience: AUD, mapping: DEFAULT_CLAIM_MAPPING, allowInsecureRequests: true });

  it('when it is constructed, then nothing is fetched until the first authenticate', async () => {
    const before = stub.hits.length;
    const auth = authenticator();
    expect(stub.hits.length).toBe(before);
    await auth.authenticate(`Bearer ${await sign(stub, {})}`);
    await auth.authenticate(`bearer ${await sign(stub, {})}`);
    expect(stub.hits.slice(before)).toEqual(['/.well-known/openid-configuration', '/jwks']);
  });

  it.each([
    ['missing', undefined],
    ['empty', '  '],
    ['not Bearer', 'Basic dXNlcjpwYXNz'],
    ['Bearer without a token', 'Bearer'],
  ])('when the Authorization header is %s, then Unauthenticated', async (_case, header) => {
    await expect(authenticator().authenticate(header)).rejects.toThrow(UnauthenticatedError);
  });

  it.each([
    ['expired', {}, Math.floor(Date.now() / 1000) - 3600, /expired/],
    ['not yet valid', { nbf: Math.floor(Date.now() / 1000) + 3600 }, '2h', /nbf/],
    ['from another issuer', { iss: 'https://evil.example' }, '5m', /iss/],
    ['for another audience', { aud: 'urn:other' }, '5m', /aud/],
  ])('when the token is %s, then Unauthenticated with a short reason', async (_case, claims, exp, reason) => {
    const token = await sign(stub, claims, exp);
    const error = await authenticator()
      .authenticate(`Bearer ${token}`)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect((error as Error).message).toMatch(reason);
    expect((error as Error).message).not.toContain(token);
  });

  it('when the token is signed with HS256, then Unauthenticated', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setIssuer(stub.issuer)
      .setAudience(AUD)
      .setSubject('x')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('a'.repeat(32)));
    await expect(authenticator().authenticate(`Bearer ${token}`)).rejects.toThrow(/algorithm not allowed/);
  });

  it('when the token is not a JWT, then Unauthenticated', async () => {
    await expect(authenticator().authenticate('Bearer not.a.jwt')).rejects.toThrow(UnauthenticatedError);
  });

  it('when a custom mapping names other claims, then the Principal follows it', async () => {
    const mapping = claimMappingSchema.parse({ roles: 'groups', countries: 'tenant.country', roleValues: { ops: 'operator' } });
    const auth = makeOidcAuthenticator({ issuer: stub.issuer, audience: AUD, mapping, allowInsecureRequests: true });
    const token = await sign(stub, { groups: 'ops other', tenant: { country: 'FR' } });
    const principal = await auth.authenticate(`Bearer ${token}`);
    expect(principal.roles).toEqual(['operator']);
    expect(principal.scope.countries).toEqual(['FR']);
  });
});

describe('makeOidcAuthenticator when the issuer cannot be reached', () => {
  it('when the issuer is down, then RetryableError, and a later call tries discovery again', async () => {
    const auth = makeOidcAuthenticator({ issuer: await deadUrl(), audience: AUD, mapping: DEFAULT_CLAIM_MAPPING, allowInsecureRequests: true });
    await expect(auth.authenticate('Bearer a.b.c')).rejects.toThrow(RetryableError);
    await expect(auth.authenticate('Bearer a.b.c')).rejects.toThrow(RetryableError);
  });

  it('when the JWKS endpoint is down, then RetryableError', async () => {
    const stub = await startStubIssuer(`${await deadUrl()}/jwks`);
    try {
      const auth = makeOidcAuthenticator({ issuer: stub.issuer, audience: AUD, mapping: DEFAULT_CLAIM_MAPPING, allowInsecureRequests: true });
      await expect(auth.authenticate(`Bearer ${await sign(stub, {})}`)).rejects.toThrow(RetryableError);
    } finally {
      await stub.close();
    }
  });

  it('when a plain-HTTP issuer is not explicitly allowed, then RetryableError (a configuration problem)', async () => {
    const stub = await startStubIssuer();
    try {
      const auth = makeOidcAuthenticator({ issuer: stub.issuer, audience: AUD, mapping: DEFAULT_CLAIM_MAPPING });
      await expect(auth.authenticate(`Bearer ${await sign(stub, {})}`)).rejects.toThrow(RetryableError);
      expect(stub.hits).toEqual([]);
    } finally {
      await stub.close();
    }
  });
});

describe('makeOidcAuthenticator remembers verified tokens', () => {
  let stub: StubIssuer;
  beforeAll(async () => {
    stub = await startStubIssuer();
  });
  afterAll(() => stub.close());

  it('when the same token comes again, then it is accepted as verified; once expired, it is refused', async () => {
    let now = new Date();
    const auth = makeOidcAuthenticator({
      issuer: stub.issuer,
      audience: AUD,
      mapping: DEFAULT_CLAIM_MAPPING,
      allowInsecureRequests: true,
      clockToleranceSec: 0,
      now: () => now,
    });
    const token = await sign(stub, {}, Math.floor(now.getTime() / 1000) + 60);
    const first = await auth.authenticate(`Bearer ${token}`);
    expect(await auth.authenticate(`Bearer ${token}`)).toBe(first);
    now = new Date(now.getTime() + 120_000);
    await expect(auth.authenticate(`Bearer ${token}`)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('when a token differs by one character, then it is verified again (and a forged one refused)', async () => {
    const auth = makeOidcAuthenticator({ issuer: stub.issuer, audience: AUD, mapping: DEFAULT_CLAIM_MAPPING, allowInsecureRequests: true });
    const token = await sign(stub, {});
    await auth.authenticate(`Bearer ${token}`);
    const i = token.length - 10; // inside the signature, away from base64 padding bits
    const forged = `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`;
    await expect(auth.authenticate(`Bearer ${forged}`)).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});
