import { startVaultDouble, type VaultDouble } from '../../test/support/vault';
import { memoryLogger } from '../../test/support/logger';
import { parseConfig } from '../config';
import { vaultConfigSchema, type VaultConfig } from './config';
import { vaultSecrets } from './vault-source';

export const catalog = {
  TWILIO_AUTH_TOKEN: { path: 'notify/twilio', key: 'auth_token' },
  TWILIO_ACCOUNT_SID: { path: 'notify/twilio', key: 'account_sid' },
  SENDGRID_API_KEY: { path: 'notify/sendgrid', key: 'api_key' },
};
export type Name = keyof typeof catalog;

/** A Vault double seeded with an AppRole (token TTL 600 s) and the catalog's KV paths. */
export async function seededVault(ttl = 600): Promise<VaultDouble> {
  const vault = await startVaultDouble();
  vault.seed.appRole('fn-notify-role', 'fn-notify-secret', { policies: ['fn-notify'], ttl, maxTtl: 86_400 });
  vault.seed.kv('secret', 'notify/twilio', { auth_token: 'twilio-v1', account_sid: 'AC123' });
  vault.seed.kv('secret', 'notify/sendgrid', { api_key: 'sg-v1' });
  return vault;
}

export function configFor(vault: VaultDouble, extra: Record<string, string> = {}): VaultConfig {
  return parseConfig(vaultConfigSchema, { VAULT_ADDR: vault.url, VAULT_ROLE_ID: 'fn-notify-role', VAULT_SECRET_ID: 'fn-notify-secret', ...extra });
}

/** The Vault source on the double's clock, without timers: tests call `refresh()`. */
export async function openOn(vault: VaultDouble, extra: Record<string, string> = {}) {
  const logger = memoryLogger();
  const secrets = await vaultSecrets({ config: configFor(vault, extra), catalog, logger, now: () => vault.clock.now(), schedule: false });
  return { secrets, logger };
}
