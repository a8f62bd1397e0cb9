/**
 * Named credentials from HashiCorp Vault (KV v2 through node-vault) or, without `VAULT_ADDR`,
 * from the environment — one interface. A function's `index.ts`:
 *
 *   const secrets = await openSecrets({ TWILIO_AUTH_TOKEN: { path: 'notify/twilio', key: 'auth_token' } }, { logger });
 *   const token = secrets.get('TWILIO_AUTH_TOKEN');            // always the current version
 *   secrets.onChange('TWILIO_AUTH_TOKEN', (t) => client.setToken(t));
 *
 * Vault: Kubernetes auth when `VAULT_K8S_ROLE` is set, AppRole otherwise; token renewed at 2/3 of
 * its TTL, re-login when renewal fails; versions polled every `VAULT_POLL_MS`; an outage keeps the
 * values held. Tests drive it against `test/support/vault` (a Vault HTTP API double).
 */
export { vaultConfigSchema, type VaultConfig } from './config';
export { envSecrets } from './env-source';
export { openSecrets } from './open';
export type * from './types';
export { vaultReason, vaultStatus } from './vault-errors';
export { VaultSession, type VaultSessionDeps } from './vault-session';
export { vaultSecrets, type VaultSecretSource, type VaultSecretsOptions } from './vault-source';
export { vaultDatabasePool, type VaultDatabasePool, type VaultDatabasePoolOptions } from './database-pool';
