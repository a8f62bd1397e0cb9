import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ESignRejectedError, ESignUnavailableError } from './errors';
import { FakeAdobeSign } from './testing';
import { AccessTokens } from './tokens';

let fake: FakeAdobeSign;
let now: number;

beforeEach(async () => {
  now = Date.parse('2027-01-10T09:00:00Z');
  fake = await FakeAdobeSign.start({ tokenLifetimeSeconds: 3600, now: () => now });
});
afterEach(() => fake.close());

const tokens = (overrides: Partial<ConstructorParameters<typeof AccessTokens>[0]> = {}) =>
  new AccessTokens({
    oauthHost: fake.url,
    clientId: 'fake-client-id',
    clientSecret: 'fake-client-secret',
    refreshToken: 'fake-refresh-token',
    timeoutMs: 2000,
    now: () => now,
    ...overrides,
  });

describe('AccessTokens', () => {
  it('when a token is asked twice within its lifetime, then it is refreshed once and the same token is answered', async () => {
    const cache = tokens();
    const first = await cache.get();
    now += 30 * 60_000;
    expect(await cache.get()).toBe(first);
    expect(fake.refreshes).toBe(1);
    expect(fake.requests).toEqual([{ method: 'POST', path: '/oauth/v2/refresh' }]);
  });

  it('when the token is within a minute of expires_in, then a new one is fetched', async () => {
    const cache = tokens();
    const first = await cache.get();
    now += 3600_000 - 59_000;
    const second = await cache.get();
    expect(second).not.toBe(first);
    expect(fake.refreshes).toBe(2);
  });

  it('when many callers ask at once with no token, then one refresh serves them all', async () => {
    const cache = tokens();
    const answers = await Promise.all(Array.from({ length: 10 }, () => cache.get()));
    expect(new Set(answers).size).toBe(1);
    expect(fake.refreshes).toBe(1);
  });

  it('when a token is invalidated, then the next get refreshes; invalidating a stale token keeps the newer one', async () => {
    const cache = tokens();
    const first = await cache.get();
    cache.invalidate(first);
    const second = await cache.get();
    expect(second).not.toBe(first);
    cache.invalidate(first);
    expect(await cache.get()).toBe(second);
    expect(fake.refreshes).toBe(2);
  });

  it('when the refresh token is refused, then a permanent error names the OAuth code and never the secrets', async () => {
    const cache = tokens({ refreshToken: 'revoked-refresh-token' });
    const error = await cache.get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ESignRejectedError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_grant' });
    expect(String((error as Error).message)).not.toMatch(/revoked-refresh-token|fake-client-secret/);
  });

  it('when the client secret is wrong, then it is a permanent invalid_client error', async () => {
    const error = await tokens({ clientSecret: 'wrong' })
      .get()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, code: 'invalid_client' });
  });

  it('when the OAuth host is down, then it is retryable; the next get tries again', async () => {
    const cache = tokens({ oauthHost: 'http://127.0.0.1:9' });
    await expect(cache.get()).rejects.toBeInstanceOf(ESignUnavailableError);
    await expect(cache.get()).rejects.toBeInstanceOf(ESignUnavailableError);
  });
});
