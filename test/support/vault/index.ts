/**
 * A Vault HTTP API test double, written from developer.hashicorp.com/vault/api-docs and driven
 * through the real node-vault client:
 *
 *   const vault = await startVaultDouble();
 *   vault.seed.appRole('role-id', 'secret-id', { ttl: 600 });
 *   vault.seed.kv('secret', 'notify/twilio', { auth_token: 't-1' });
 *   vault.clock.advance(400);   // TTLs and leases count on the double's clock
 *   vault.fail('sealed');       // 503 until vault.fail(undefined)
 */
export { startVaultDouble, type VaultDouble, type VaultFailure } from './double';
export { VaultClock } from './clock';
export { TOO_OLD } from './transit';
