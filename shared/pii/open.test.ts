import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../test/support/logger';
import { openPiiCipher } from './open';
import { key32, localEnv, operator, transitVault } from './testing';

describe('openPiiCipher', () => {
  it('when VAULT_ADDR is unset, then the local keys are used', async () => {
    const pii = await openPiiCipher({ logger: memoryLogger(), env: localEnv([key32()]) });
    expect(await pii.encrypt(['x'])).toEqual([expect.stringMatching(/^local:v1:/)]);
  });

  it('when VAULT_ADDR is set, then it logs in and uses transit with the configured keys', async () => {
    const vault = await transitVault();
    try {
      await operator(vault).write('transit/keys/pii-index/rotate', {});
      const env = { VAULT_ADDR: vault.url, VAULT_ROLE_ID: 'fn-intake-role', VAULT_SECRET_ID: 'fn-intake-secret', PII_HMAC_KEY_VERSION: '2' };
      const pii = await openPiiCipher({ logger: memoryLogger(), env });
      expect(await pii.encrypt(['x'])).toEqual([expect.stringMatching(/^vault:v1:/)]);
      expect(await pii.blindIndex('customer-phone', 'x')).toMatch(/^vault:v2:/);
      expect(vault.inspect.requests.map((r) => r.path)).toContain('/v1/auth/approle/login');
    } finally {
      await vault.close();
    }
  });

  it('when VAULT_ADDR is set without a way to log in, then boot fails naming the variables', async () => {
    await expect(openPiiCipher({ logger: memoryLogger(), env: { VAULT_ADDR: 'http://127.0.0.1:1' } })).rejects.toThrow(/VAULT_ROLE_ID is missing/);
  });
});
