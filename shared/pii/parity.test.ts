import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError } from '../errors';
import { PiiDecryptError } from './errors';
import { localHarness, tamper, transitHarness, type CipherHarness } from './testing';
import type { PiiRow } from './types';

const customers = ['Émilie Dupont', '+33 6 12 34 56 78', 'emilie.dupont@example.fr', '12 rue de la République, 69002 Lyon'];
const rowsOf = (n: number, column = 'phone'): PiiRow[] => Array.from({ length: n }, (_, i) => ({ table: 'orders.customers', column, id: `c-${i + 1}` }));

async function decryptError(run: Promise<unknown>): Promise<PiiDecryptError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PiiDecryptError);
  return error as PiiDecryptError;
}

describe.each([
  ['vault transit (node-vault against the double)', transitHarness],
  ['local AES-256-GCM', () => Promise.resolve(localHarness())],
])('PII cipher: %s', (_name, make: () => Promise<CipherHarness>) => {
  let h: CipherHarness;
  beforeEach(async () => (h = await make()));
  afterEach(async () => h.close());

  it('when many values are encrypted in one batch, then each decrypts to itself, in order, and no two ciphertexts are equal', async () => {
    const ciphertexts = await h.cipher().encrypt([...customers, customers[0]!, '']);
    expect(ciphertexts).toHaveLength(6);
    expect(new Set(ciphertexts).size).toBe(6);
    for (const ct of ciphertexts) expect(ct).toMatch(new RegExp(`^${h.origin}:v1:`));
    expect(await h.cipher().decrypt(ciphertexts, rowsOf(6))).toEqual([...customers, customers[0], '']);
    expect(await h.cipher().encrypt([])).toEqual([]);
    expect(await h.cipher().decrypt([], [])).toEqual([]);
  });

  it('when the key is rotated, then new ciphertexts are v2 and v1 ones still decrypt', async () => {
    const [v1] = await h.cipher().encrypt(['Jean Martin']);
    await h.rotate();
    const [v2] = await h.cipher().encrypt(['Jean Martin']);
    expect(v1).toMatch(new RegExp(`^${h.origin}:v1:`));
    expect(v2).toMatch(new RegExp(`^${h.origin}:v2:`));
    expect(h.cipher().ciphertextVersion(v2!)).toBe(2);
    expect(await h.cipher().decrypt([v1!, v2!], rowsOf(2, 'name'))).toEqual(['Jean Martin', 'Jean Martin']);
  });

  it('when v1 rows are rewrapped after a rotation, then they are v2, current, and decrypt to the same value', async () => {
    const old = await h.cipher().encrypt(customers);
    await h.rotate();
    expect(await h.cipher().keyStatus()).toEqual({ latestVersion: 2, minDecryptionVersion: 1 });
    expect(old.map((ct) => h.cipher().isCurrent(ct))).toEqual([false, false, false, false]);
    const rewrapped = await h.cipher().rewrap(old, rowsOf(4));
    expect(rewrapped.map((ct) => h.cipher().ciphertextVersion(ct))).toEqual([2, 2, 2, 2]);
    expect(rewrapped.every((ct) => h.cipher().isCurrent(ct))).toBe(true);
    expect(await h.cipher().decrypt(rewrapped, rowsOf(4))).toEqual(customers);
  });

  it('when min_decryption_version is 2, then a v1 ciphertext throws PiiDecryptError naming the row, and v2 ones still open', async () => {
    const [v1] = await h.cipher().encrypt(['+33 6 12 34 56 78']);
    await h.rotate();
    const [v2] = await h.cipher().encrypt(['+33 4 78 00 00 00']);
    await h.retire(2);
    expect(await h.cipher().keyStatus()).toEqual({ latestVersion: 2, minDecryptionVersion: 2 });
    const rows = [
      { table: 'orders.customers', column: 'phone', id: 'c-41' },
      { table: 'orders.customers', column: 'phone', id: 'c-42' },
    ];
    const error = await decryptError(h.cipher().decrypt([v2!, v1!], rows));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.row).toEqual(rows[1]);
    expect(error.reason).toBe('retired-key-version');
    expect(error.failures).toEqual([{ index: 1, row: rows[1], reason: 'retired-key-version' }]);
    expect(error.message).toBe('Cannot decrypt orders.customers.phone of row c-42: retired-key-version');
    // Neither the ciphertext nor any plaintext (the v2 item did decrypt) travels with the error.
    const carried = JSON.stringify({ ...error, message: error.message, cause: String(error.cause) });
    for (const secret of [v1!, v2!, '+33 6 12 34 56 78', '+33 4 78 00 00 00', 'KzMzIDQgNzggMDAgMDAgMDA=']) expect(carried).not.toContain(secret);
    expect(await h.cipher().decrypt([v2!], rows.slice(0, 1))).toEqual(['+33 4 78 00 00 00']);
    await expect(h.cipher().rewrap([v1!], rows.slice(1))).rejects.toBeInstanceOf(PiiDecryptError);
  });

  it('when ciphertexts are tampered, malformed or from a version not yet made, then each failed row is named with its reason', async () => {
    const [good, bad] = await h.cipher().encrypt(['Lyon', 'Villeurbanne']);
    const future = good!.replace(':v1:', ':v7:');
    const error = await decryptError(h.cipher().decrypt([good!, tamper(bad!), 'not a ciphertext', future], rowsOf(4, 'street')));
    expect(error.failures.map((f) => [f.row.id, f.reason])).toEqual([
      ['c-2', 'tampered'],
      ['c-3', 'malformed'],
      ['c-4', 'unknown-key-version'],
    ]);
    expect(error.message).toBe('Cannot decrypt orders.customers.street of row c-2: tampered (and 2 more)');
    expect(error.message).not.toContain('Lyon');
  });

  it('when blind indexes are computed, then equal inputs match, purposes differ, and rotating the encryption key changes nothing', async () => {
    const phone = await h.cipher().blindIndex('customer-phone', '+33612345678');
    expect(phone).toMatch(new RegExp(`^${h.origin}:v1:`));
    expect(await h.cipher().blindIndex('customer-phone', '+33612345678')).toBe(phone);
    expect(await h.cipher().blindIndex('customer-phone', '+33612345679')).not.toBe(phone);
    expect(await h.cipher().blindIndex('customer-email', '+33612345678')).not.toBe(phone);
    const batch = await h.cipher().blindIndexes('customer-phone', ['+33612345678', '+33478000000']);
    expect(batch[0]).toBe(phone);
    await h.rotate();
    await h.retire(2);
    expect(await h.cipher().blindIndex('customer-phone', '+33612345678')).toBe(phone);
    await expect(h.cipher().blindIndex('Customer Phone', 'x')).rejects.toThrow(/invalid purpose/);
  });

  it('when rows do not pair with the ciphertexts, then it refuses before decrypting', async () => {
    const cts = await h.cipher().encrypt(['a', 'b']);
    await expect(h.cipher().decrypt(cts, rowsOf(1))).rejects.toThrow('2 ciphertexts but 1 rows');
  });
});
