import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VaultDouble } from '../../test/support/vault';
import { memoryLogger } from '../../test/support/logger';
import { configFor, openOn, seededVault } from './testing';
import { VaultSession } from './vault-session';

let vault: VaultDouble;
beforeEach(async () => (vault = await seededVault(600)));
afterEach(async () => vault.close());

const paths = (from: number) => vault.inspect.requests.slice(from).map((r) => r.path);
const currentToken = (secrets: { session: VaultSession }) => secrets.session.client.token;

describe('token renewal', () => {
  it('when less than 2/3 of the TTL has passed, then the token is not renewed', async () => {
    const { secrets } = await openOn(vault);
    vault.clock.advance(399);
    const before = vault.inspect.requests.length;
    await secrets.refresh();
    expect(paths(before)).not.toContain('/v1/auth/token/renew-self');
  });

  it('when 2/3 of the TTL has passed, then the token is renewed and stays usable past its first TTL', async () => {
    const { secrets } = await openOn(vault);
    const token = currentToken(secrets);
    vault.clock.advance(401);
    const before = vault.inspect.requests.length;
    await secrets.refresh();
    expect(paths(before)[0]).toBe('/v1/auth/token/renew-self');
    expect(currentToken(secrets)).toBe(token);

    vault.clock.advance(300); // 701 s after login: alive only because it was renewed
    const lookup = await secrets.session.client.tokenLookupSelf();
    expect(lookup.data.ttl).toBe(300);
    expect(vault.inspect.tokens().find((t) => t.id === token)?.renewals).toBe(1);
  });

  it('when the renewal is refused, then the session logs in again and keeps reading', async () => {
    const { secrets, logger } = await openOn(vault);
    const first = currentToken(secrets);
    vault.revokeToken(first);
    vault.clock.advance(401);
    vault.seed.kv('secret', 'notify/twilio', { auth_token: 'twilio-v2', account_sid: 'AC123' });
    const before = vault.inspect.requests.length;
    await secrets.refresh();

    expect(paths(before).slice(0, 2)).toEqual(['/v1/auth/token/renew-self', '/v1/auth/approle/login']);
    expect(currentToken(secrets)).not.toBe(first);
    expect(secrets.get('TWILIO_AUTH_TOKEN')).toBe('twilio-v2');
    expect(logger.lines.map((l) => l.msg)).toContain('vault token renewal failed, logging in again');
  });

  it('when the token lapsed during an outage, then the first pass after it logs in again', async () => {
    const { secrets } = await openOn(vault);
    const first = currentToken(secrets);
    vault.fail('down');
    vault.clock.advance(401);
    await secrets.refresh();
    vault.clock.advance(600); // past the TTL: the old token is refused now
    vault.fail(undefined);
    await secrets.refresh();
    expect(currentToken(secrets)).not.toBe(first);
    expect(secrets.get('SENDGRID_API_KEY')).toBe('sg-v1');
  });

  it('when Vault refuses the token on a read (revoked early), then the next pass logs in again', async () => {
    const { secrets } = await openOn(vault);
    vault.revokeToken(currentToken(secrets));
    await secrets.refresh(); // 403 on the metadata read
    const before = vault.inspect.requests.length;
    await secrets.refresh();
    expect(paths(before)[0]).toBe('/v1/auth/approle/login');
  });
});

describe('login method', () => {
  it('when VAULT_K8S_ROLE is set, then the service-account token file is sent to the Kubernetes auth method', async () => {
    vault.seed.kubernetesRole('fn-notify', 'eyJhbGciOi.sa.jwt', { ttl: 300 });
    const config = configFor(vault, { VAULT_K8S_ROLE: 'fn-notify', VAULT_K8S_TOKEN_PATH: '/sa/token' });
    const read: string[] = [];
    const session = new VaultSession(config, {
      logger: memoryLogger(),
      now: () => vault.clock.now(),
      readTokenFile: async (path) => (read.push(path), 'eyJhbGciOi.sa.jwt\n'),
    });
    await session.login();
    expect(read).toEqual(['/sa/token']);
    expect(vault.inspect.requests.at(-1)?.path).toBe('/v1/auth/kubernetes/login');
    expect(session.renewDueAt).toBe(vault.clock.now() + 200_000);
    const token = vault.inspect.tokens().find((t) => t.id === session.client.token);
    expect(token?.method).toBe('kubernetes');
  });

  it('when the service account is not bound to the role, then login fails with permission denied', async () => {
    vault.seed.kubernetesRole('fn-notify', 'the-right-jwt');
    const config = configFor(vault, { VAULT_K8S_ROLE: 'fn-notify' });
    const session = new VaultSession(config, { logger: memoryLogger(), readTokenFile: async () => 'another-jwt' });
    await expect(session.login()).rejects.toThrow('permission denied');
  });
});
