import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../config';
import { piiLocalConfigSchema } from './config';
import { PiiDecryptError } from './errors';
import { localCipher } from './local-cipher';
import { key32, localEnv } from './testing';

const open = (env: Record<string, string>) => localCipher(parseConfig(piiLocalConfigSchema, env));
const row = { table: 'orders.customers', column: 'name', id: 'c-7' };
const problems = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected a ConfigError');
};

describe('localCipher', () => {
  it('when the highest key encrypts, then the ciphertext is local:vN:base64(iv|tag|sealed)', async () => {
    const pii = open(localEnv([key32(), key32()]));
    const [ct] = await pii.encrypt(['Lyon']);
    expect(ct).toMatch(/^local:v2:[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(ct!.split(':')[2]!, 'base64')).toHaveLength(12 + 16 + 4);
  });

  it('when the version prefix of a ciphertext is swapped, then it is tampered (the prefix is authenticated)', async () => {
    const key = key32();
    const pii = open(localEnv([key, key]));
    const [ct] = await pii.encrypt(['Lyon']);
    const error = await pii.decrypt([ct!.replace('local:v2:', 'local:v1:')], [row]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PiiDecryptError);
    expect((error as PiiDecryptError).reason).toBe('tampered');
  });

  it('when an old key is dropped from PII_LOCAL_KEYS, then its ciphertexts are retired', async () => {
    const [k1, k2] = [key32(), key32()];
    const env = localEnv([k1]);
    const [ct] = await open(env).encrypt(['Jean']);
    const withoutV1 = open({ ...env, PII_LOCAL_KEYS: `2:${k2}` });
    await expect(withoutV1.decrypt([ct!], [row])).rejects.toMatchObject({ reason: 'retired-key-version', row });
  });

  it('when PII_LOCAL_KEYS or PII_LOCAL_HMAC_KEY are wrong, then boot fails naming them without echoing a key', () => {
    const short = Buffer.alloc(16, 7).toString('base64');
    const message = problems(() => parseConfig(piiLocalConfigSchema, { PII_LOCAL_KEYS: `1:${short},1:${key32()},x:${key32()}`, PII_LOCAL_HMAC_KEY: short }));
    expect(message).toContain('PII_LOCAL_KEYS is invalid');
    expect(message).toContain('version 1: the key must be 32 bytes in base64');
    expect(message).toContain('entry 3: expected <version>:<base64 key>');
    expect(message).toContain('PII_LOCAL_HMAC_KEY is invalid');
    expect(message).not.toContain(short);
    expect(problems(() => parseConfig(piiLocalConfigSchema, {}))).toMatch(/PII_LOCAL_KEYS is missing.*PII_LOCAL_HMAC_KEY is missing/);
  });

  it('when PII_LOCAL_MIN_DECRYPTION_VERSION is above the latest key, then it refuses to start', () => {
    expect(() => open(localEnv([key32()], { PII_LOCAL_MIN_DECRYPTION_VERSION: '2' }))).toThrow('above the latest key version (1)');
  });
});
