import { parseConfig } from '../config';
import type { Logger } from '../logging';
import { vaultConfigSchema } from './config';
import { envSecrets } from './env-source';
import type { SecretCatalog, SecretSource } from './types';
import { vaultSecrets } from './vault-source';

/**
 * The secret source a function's `index.ts` builds: Vault when `VAULT_ADDR` is set, the
 * environment otherwise (the embedded default). Either way it fails at boot naming what is missing.
 */
export async function openSecrets<N extends string>(catalog: SecretCatalog<N>, deps: { logger: Logger; env?: NodeJS.ProcessEnv }): Promise<SecretSource<N>> {
  const env = deps.env ?? process.env;
  if (!env.VAULT_ADDR) return envSecrets(catalog, env);
  return vaultSecrets({ config: parseConfig(vaultConfigSchema, env), catalog, logger: deps.logger });
}
