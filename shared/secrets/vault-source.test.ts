import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VaultDouble } from '../../test/support/vault';
import { memoryLogger } from '../../test/support/logger';
import { catalog, configFor, openOn, seededVault } from './testing';
import { vaultSecrets } from './vault-source';

let vault: VaultDouble;
beforeEach(async () => (vault = await seededVault()));
afterEach(async () => vault.close());

describe('vaultSecrets at boot', () => {
  it('when every path is readable, then each named credential is its KV v2 value', async () => {
    const { secrets } = await openOn(vault);
    expect(secrets.get('TWILIO_AUTH_TOKEN')).toBe('twilio-v1');
    expect(secrets.get('TWILIO_ACCOUNT_SID')).toBe('AC123');
    expect(secrets.get('SENDGRID_API_KEY')).toBe('sg-v1');
    expect(vault.inspect.requests.map((r) => r.path)).toEqual(
      expect.arrayContaining(['/v1/auth/approle/login', '/v1/secret/data/notify/twilio', '/v1/secret/data/notify/sendgrid']),
    );
    await secrets.close();
  });

  it('when a path does not exist, then boot fails with an error naming the path', async () => {
    const logger = memoryLogger();
    const wider = { ...catalog, OIDC_CLIENT_SECRET: { path: 'identity/oidc', key: 'client_secret' } };
    const open = vaultSecrets({ config: configFor(vault), catalog: wider, logger, schedule: false });
    await expect(open).rejects.toThrow(/secret\/identity\/oidc.*404/);
  });

  it('when a path exists but lacks the key, then boot fails naming the credential and its key', async () => {
    const wider = { ...catalog, TWILIO_API_SECRET: { path: 'notify/twilio', key: 'api_secret' } };
    const open = vaultSecrets({ config: configFor(vault), catalog: wider, logger: memoryLogger(), schedule: false });
    await expect(open).rejects.toThrow('TWILIO_API_SECRET (secret/notify/twilio#api_secret)');
  });

  it("when the AppRole secret id is wrong, then boot fails with Vault's reason", async () => {
    const open = vaultSecrets({ config: configFor(vault, { VAULT_SECRET_ID: 'wrong' }), catalog, logger: memoryLogger(), schedule: false });
    await expect(open).rejects.toThrow('invalid secret id');
  });
});

describe('vaultSecrets polling', () => {
  it('when a credential is rotated in Vault, then the next poll brings it to get and to the listeners', async () => {
    const { secrets } = await openOn(vault);
    const heard: string[] = [];
    secrets.onChange('TWILIO_AUTH_TOKEN', (value) => heard.push(value));
    const sendgridHeard: string[] = [];
    secrets.onChange('SENDGRID_API_KEY', (value) => sendgridHeard.push(value));

    vault.seed.kv('secret', 'notify/twilio', { auth_token: 'twilio-v2', account_sid: 'AC123' });
    expect(secrets.get('TWILIO_AUTH_TOKEN')).toBe('twilio-v1');
    await secrets.refresh();

    expect(secrets.get('TWILIO_AUTH_TOKEN')).toBe('twilio-v2');
    expect(heard).toEqual(['twilio-v2']);
    expect(sendgridHeard).toEqual([]);
    expect(vault.inspect.requests.map((r) => r.path)).toContain('/v1/secret/data/notify/twilio?version=2');
  });

  it('when nothing changed, then a poll reads only the metadata endpoint and calls no listener', async () => {
    const { secrets } = await openOn(vault);
    const heard: string[] = [];
    secrets.onChange('TWILIO_AUTH_TOKEN', (value) => heard.push(value));
    const before = vault.inspect.requests.length;
    await secrets.refresh();
    expect(vault.inspect.requests.slice(before).map((r) => r.path)).toEqual(['/v1/secret/metadata/notify/twilio', '/v1/secret/metadata/notify/sendgrid']);
    expect(heard).toEqual([]);
  });

  it('when a listener unsubscribes, then it hears no later rotation', async () => {
    const { secrets } = await openOn(vault);
    const heard: string[] = [];
    const stop = secrets.onChange('SENDGRID_API_KEY', (value) => heard.push(value));
    stop();
    vault.seed.kv('secret', 'notify/sendgrid', { api_key: 'sg-v2' });
    await secrets.refresh();
    expect(secrets.get('SENDGRID_API_KEY')).toBe('sg-v2');
    expect(heard).toEqual([]);
  });
});

describe('vaultSecrets during an outage', () => {
  for (const mode of ['sealed', 'down'] as const) {
    it(`when Vault is ${mode}, then get keeps answering the held values and the outage is logged`, async () => {
      const { secrets, logger } = await openOn(vault);
      vault.fail(mode);
      await secrets.refresh();
      expect(secrets.get('TWILIO_AUTH_TOKEN')).toBe('twilio-v1');
      expect(logger.lines.filter((l) => l.msg === 'vault unavailable, keeping the secrets held')).toHaveLength(1);
      expect(JSON.stringify(logger.lines)).not.toContain('twilio-v1');
    });
  }

  it('when Vault comes back, then a rotation made meanwhile is picked up', async () => {
    const { secrets } = await openOn(vault);
    vault.fail('sealed');
    await secrets.refresh();
    vault.fail(undefined);
    vault.seed.kv('secret', 'notify/twilio', { auth_token: 'twilio-v2', account_sid: 'AC123' });
    await secrets.refresh();
    expect(secrets.get('TWILIO_AUTH_TOKEN')).toBe('twilio-v2');
  });
});
