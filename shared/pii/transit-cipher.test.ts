import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VaultDouble } from '../../test/support/vault';
import { RetryableError } from '../errors';
import { PiiUnavailableError } from './errors';
import { openTransit, operator, sessionOn, transitVault } from './testing';
import { transitCipher } from './transit-cipher';

let vault: VaultDouble;
beforeEach(async () => (vault = await transitVault()));
afterEach(async () => vault.close());

const calls = (from: number, prefix: string) => vault.inspect.requests.slice(from).filter((r) => r.path.startsWith(prefix)).length;
const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ table: 'orders.customers', column: 'email', id: `c-${i}` }));
const failure = (run: Promise<unknown>) =>
  run.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('transitCipher: requests', () => {
  it('when many values are encrypted, decrypted, rewrapped or indexed, then each is one batch_input request', async () => {
    const pii = await openTransit(vault);
    const before = vault.inspect.requests.length;
    const cts = await pii.encrypt(['a', 'b', 'c', 'd']);
    await pii.decrypt(cts, rows(4));
    await pii.rewrap(cts, rows(4));
    await pii.blindIndexes('customer-email', ['a@x.fr', 'b@x.fr', 'c@x.fr']);
    expect(vault.inspect.requests.slice(before).map((r) => r.path)).toEqual([
      '/v1/transit/encrypt/pii',
      '/v1/transit/decrypt/pii',
      '/v1/transit/rewrap/pii',
      '/v1/transit/hmac/pii-index',
    ]);
  });

  it('when more values than the batch size are sent, then they go in chunks and come back in order', async () => {
    const pii = await openTransit(vault, { batchSize: 2 });
    const values = ['1', '2', '3', '4', '5'];
    const before = vault.inspect.requests.length;
    const cts = await pii.encrypt(values);
    expect(calls(before, '/v1/transit/encrypt/pii')).toBe(3);
    expect(await pii.decrypt(cts, rows(5))).toEqual(values);
  });

  it('when the encryption key is rotated through the API, then isCurrent follows the versions seen or read', async () => {
    const pii = await openTransit(vault);
    const [v1] = await pii.encrypt(['x']);
    expect(pii.isCurrent(v1!)).toBe(true);
    await operator(vault).write('transit/keys/pii/rotate', {});
    const [v2] = await pii.encrypt(['x']); // key_version 2 in the answer: known without a read
    expect([pii.isCurrent(v1!), pii.isCurrent(v2!)]).toEqual([false, true]);
    expect(pii.ciphertextVersion('local:v1:AAAA')).toBeUndefined();
  });
});

describe('transitCipher: blind index key pinning', () => {
  it('when the HMAC key is rotated, then indexes stay under the pinned version and unchanged', async () => {
    const pii = await openTransit(vault);
    const before = await pii.blindIndex('customer-phone', '+33612345678');
    await operator(vault).write('transit/keys/pii-index/rotate', {});
    expect(await pii.blindIndex('customer-phone', '+33612345678')).toBe(before);
    const pinnedTo2 = await openTransit(vault, { hmacKeyVersion: 2 });
    const after = await pinnedTo2.blindIndex('customer-phone', '+33612345678');
    expect(after).toMatch(/^vault:v2:/);
    expect(after).not.toBe(before);
  });

  it('when the pinned HMAC version is not a live version of the key, then opening fails naming it', async () => {
    await expect(openTransit(vault, { hmacKeyVersion: 3 })).rejects.toThrow(
      'PII_HMAC_KEY_VERSION 3 is not a live version of transit key pii-index (versions 1..1)',
    );
  });

  it('when a key does not exist, then opening fails naming the key', async () => {
    await expect(transitCipher(await sessionOn(vault), { encryptionKey: 'pii-missing', hmacKey: 'pii-index', hmacKeyVersion: 1 })).rejects.toThrow(
      /reading transit key pii-missing \(404/,
    );
  });
});

describe('transitCipher: Vault outages', () => {
  it('when Vault is sealed, then every operation throws a retryable PiiUnavailableError, and works again once unsealed', async () => {
    const pii = await openTransit(vault);
    const cts = await pii.encrypt(['Émilie Dupont']);
    vault.fail('sealed');
    for (const run of [pii.encrypt(['x']), pii.decrypt(cts, rows(1)), pii.rewrap(cts), pii.blindIndex('customer-phone', '1'), pii.keyStatus()]) {
      const error = await failure(run);
      expect(error).toBeInstanceOf(PiiUnavailableError);
      expect(error).toBeInstanceOf(RetryableError);
      expect((error as PiiUnavailableError).status).toBe(503);
      expect((error as Error).message).not.toContain('Émilie');
    }
    vault.fail(undefined);
    expect(await pii.decrypt(cts, rows(1))).toEqual(['Émilie Dupont']);
  });

  it('when Vault drops the connection, then PiiUnavailableError without a status and no plaintext in it', async () => {
    const pii = await openTransit(vault);
    vault.fail('down');
    const error = await failure(pii.encrypt(['+33 6 12 34 56 78']));
    expect(error).toBeInstanceOf(PiiUnavailableError);
    expect((error as PiiUnavailableError).status).toBeUndefined();
    expect(JSON.stringify({ m: (error as Error).message, ...(error as object) })).not.toContain('+33 6 12');
  });

  it("when the session's token was revoked, then the cipher logs in again once and the call succeeds", async () => {
    const session = await sessionOn(vault);
    const pii = await transitCipher(session, { encryptionKey: 'pii', hmacKey: 'pii-index', hmacKeyVersion: 1 });
    const revoked = session.client.token;
    vault.revokeToken(revoked);
    expect(await pii.decrypt(await pii.encrypt(['Jean']), rows(1))).toEqual(['Jean']);
    expect(session.client.token).not.toBe(revoked);
  });

  it('when the token is due for renewal, then it is renewed before the call', async () => {
    const pii = await openTransit(vault);
    vault.clock.advance(401);
    const before = vault.inspect.requests.length;
    await pii.encrypt(['x']);
    expect(vault.inspect.requests.slice(before).map((r) => r.path)).toEqual(['/v1/auth/token/renew-self', '/v1/transit/encrypt/pii']);
  });
});
