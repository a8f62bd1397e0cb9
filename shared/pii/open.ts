import { parseConfig } from '../config';
import type { Logger } from '../logging';
import { vaultConfigSchema, VaultSession } from '../secrets';
import { piiLocalConfigSchema, piiTransitConfigSchema } from './config';
import { localCipher } from './local-cipher';
import { transitCipher } from './transit-cipher';
import type { PiiCipher } from './types';

export interface OpenPiiCipherDeps {
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  /**
   * A logged-in session to share, e.g. `openSecrets(...)`'s `session`, whose refresh loop keeps
   * the token alive. Without one, a session is opened here (the cipher renews it when due).
   */
  session?: VaultSession;
}

/**
 * The cipher a function's `index.ts` builds: Vault transit when `VAULT_ADDR` is set, the local
 * AES-256-GCM keys from the environment otherwise (the embedded default). Either way a missing
 * variable or key fails at boot, named.
 */
export async function openPiiCipher(deps: OpenPiiCipherDeps): Promise<PiiCipher> {
  const env = deps.env ?? process.env;
  if (!env.VAULT_ADDR) {
    deps.logger.info('pii cipher', { backend: 'local' });
    return localCipher(parseConfig(piiLocalConfigSchema, env));
  }
  const config = parseConfig(piiTransitConfigSchema, env);
  let session = deps.session;
  if (!session) {
    session = new VaultSession(parseConfig(vaultConfigSchema, env), { logger: deps.logger });
    await session.login();
  }
  deps.logger.info('pii cipher', {
    backend: 'vault-transit',
    key: config.PII_TRANSIT_KEY,
    hmacKey: config.PII_HMAC_KEY,
    hmacKeyVersion: config.PII_HMAC_KEY_VERSION,
  });
  return transitCipher(session, {
    encryptionKey: config.PII_TRANSIT_KEY,
    hmacKey: config.PII_HMAC_KEY,
    hmacKeyVersion: config.PII_HMAC_KEY_VERSION,
    batchSize: config.PII_BATCH_SIZE,
  });
}
