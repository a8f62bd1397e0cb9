import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../config';
import { memoryLogger } from '../../test/support/logger';
import { vaultConfigSchema } from './config';
import { envSecrets } from './env-source';
import { openSecrets } from './open';
import { catalog, openOn, seededVault } from './testing';

const env = { TWILIO_AUTH_TOKEN: 'twilio-v1', TWILIO_ACCOUNT_SID: 'AC123', SENDGRID_API_KEY: 'sg-v1' };

describe('envSecrets (the embedded default)', () => {
  it('when VAULT_ADDR is unset, then openSecrets answers each name from the environment', async () => {
    const secrets = await openSecrets(catalog, { logger: memoryLogger(), env });
    expect(secrets.get('TWILIO_AUTH_TOKEN')).toBe('twilio-v1');
    expect(secrets.onChange('TWILIO_AUTH_TOKEN', () => undefined)).toBeTypeOf('function');
    await secrets.close();
  });

  it('when a variable is missing, then it fails at boot naming every missing one', () => {
    expect(() => envSecrets(catalog, { TWILIO_ACCOUNT_SID: 'AC123' })).toThrow('Secrets missing from the environment: TWILIO_AUTH_TOKEN, SENDGRID_API_KEY');
  });

  it('when the same credentials sit in Vault, then both sources answer the same values', async () => {
    const vault = await seededVault();
    try {
      const { secrets: fromVault } = await openOn(vault);
      const fromEnv = envSecrets(catalog, env);
      for (const name of Object.keys(catalog) as (keyof typeof catalog)[]) expect(fromVault.get(name)).toBe(fromEnv.get(name));
      expect(() => fromEnv.get('NOPE' as never)).toThrow('Unknown secret NOPE');
      expect(() => fromVault.get('NOPE' as never)).toThrow('Unknown secret NOPE');
    } finally {
      await vault.close();
    }
  });
});

describe('vaultConfigSchema', () => {
  it('when only VAULT_ADDR and the AppRole ids are set, then the defaults apply', () => {
    const config = parseConfig(vaultConfigSchema, { VAULT_ADDR: 'https://vault:8200', VAULT_ROLE_ID: 'r', VAULT_SECRET_ID: 's' });
    expect(config).toMatchObject({ VAULT_KV_MOUNT: 'secret', VAULT_POLL_MS: 60_000, VAULT_K8S_MOUNT: 'kubernetes', VAULT_TIMEOUT_MS: 5_000 });
  });

  it('when neither Kubernetes nor AppRole is configured, then both AppRole variables are named', () => {
    try {
      parseConfig(vaultConfigSchema, { VAULT_ADDR: 'https://vault:8200' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([
        expect.stringMatching(/^VAULT_ROLE_ID is missing/),
        expect.stringMatching(/^VAULT_SECRET_ID is missing/),
      ]);
    }
  });

  it('when VAULT_K8S_ROLE is set, then no AppRole variable is needed', () => {
    expect(parseConfig(vaultConfigSchema, { VAULT_ADDR: 'https://vault:8200', VAULT_K8S_ROLE: 'fn' }).VAULT_K8S_ROLE).toBe('fn');
  });
});
