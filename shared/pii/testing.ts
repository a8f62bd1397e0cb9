import { randomBytes } from 'node:crypto';
import nodeVault from 'node-vault';
import { startVaultDouble, type VaultDouble } from '../../test/support/vault';
import { memoryLogger } from '../../test/support/logger';
import { parseConfig } from '../config';
import { vaultConfigSchema, VaultSession } from '../secrets';
import { piiLocalConfigSchema } from './config';
import { localCipher } from './local-cipher';
import { transitCipher, type TransitCipherOptions } from './transit-cipher';
import type { PiiCipher } from './types';

/** One cipher under test plus the operator's hands: rotate the encryption key, retire versions. */
export interface CipherHarness {
  origin: 'vault' | 'local';
  /** The cipher as the function holds it now (local: rebuilt after each key change, as a restart would). */
  cipher(): PiiCipher;
  rotate(): Promise<void>;
  retire(minDecryptionVersion: number): Promise<void>;
  close(): Promise<void>;
}

export const key32 = () => randomBytes(32).toString('base64');

/** The Vault double with an AppRole and the two transit keys, `pii` and `pii-index`. */
export async function transitVault(): Promise<VaultDouble> {
  const vault = await startVaultDouble();
  vault.seed.appRole('fn-intake-role', 'fn-intake-secret', { policies: ['fn-intake'], ttl: 600 });
  vault.seed.transitKey('pii');
  vault.seed.transitKey('pii-index');
  return vault;
}

/** A logged-in session on the double's clock, as `openPiiCipher` makes one. */
export async function sessionOn(vault: VaultDouble): Promise<VaultSession> {
  const config = parseConfig(vaultConfigSchema, { VAULT_ADDR: vault.url, VAULT_ROLE_ID: 'fn-intake-role', VAULT_SECRET_ID: 'fn-intake-secret' });
  const session = new VaultSession(config, { logger: memoryLogger(), now: () => vault.clock.now() });
  await session.login();
  return session;
}

/** An operator's client (root token) for rotate and config, as `vault write` would be. */
export const operator = (vault: VaultDouble) => nodeVault({ endpoint: vault.url, token: vault.rootToken });

export async function openTransit(vault: VaultDouble, options: Partial<TransitCipherOptions> = {}): Promise<PiiCipher> {
  return transitCipher(await sessionOn(vault), { encryptionKey: 'pii', hmacKey: 'pii-index', hmacKeyVersion: 1, ...options });
}

export async function transitHarness(): Promise<CipherHarness> {
  const vault = await transitVault();
  const cipher = await openTransit(vault);
  const admin = operator(vault);
  return {
    origin: 'vault',
    cipher: () => cipher,
    rotate: async () => void (await admin.write('transit/keys/pii/rotate', {})),
    retire: async (min) => void (await admin.write('transit/keys/pii/config', { min_decryption_version: min })),
    close: () => vault.close(),
  };
}

export function localEnv(keys: string[], extra: Record<string, string> = {}): Record<string, string> {
  return { PII_LOCAL_KEYS: keys.map((key, i) => `${i + 1}:${key}`).join(','), PII_LOCAL_HMAC_KEY: key32(), ...extra };
}

export function localHarness(): CipherHarness {
  const env = localEnv([key32()]);
  const build = () => localCipher(parseConfig(piiLocalConfigSchema, env));
  let cipher = build();
  return {
    origin: 'local',
    cipher: () => cipher,
    rotate: () => {
      const keys = env.PII_LOCAL_KEYS!.split(',');
      env.PII_LOCAL_KEYS = [...keys, `${keys.length + 1}:${key32()}`].join(',');
      cipher = build();
      return Promise.resolve();
    },
    retire: (min) => {
      env.PII_LOCAL_MIN_DECRYPTION_VERSION = String(min);
      cipher = build();
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}

/** Flips one byte in the sealed part of `<origin>:vN:<base64>`, keeping the shape. */
export function tamper(ciphertext: string): string {
  const at = ciphertext.lastIndexOf(':') + 1;
  const bytes = Buffer.from(ciphertext.slice(at), 'base64');
  bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01;
  return ciphertext.slice(0, at) + bytes.toString('base64');
}
