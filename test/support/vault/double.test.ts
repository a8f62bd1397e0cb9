import nodeVault from 'node-vault';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startVaultDouble, TOO_OLD, type VaultDouble } from '.';

let vault: VaultDouble;
let client: nodeVault.client;
beforeEach(async () => {
  vault = await startVaultDouble();
  client = nodeVault({ endpoint: vault.url, token: vault.rootToken });
});
afterEach(async () => vault.close());

const b64 = (s: string) => Buffer.from(s).toString('base64');
const status = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (e: { response?: { statusCode: number; body: unknown } }) => e.response,
  );

describe('Vault double: HTTP API basics', () => {
  it('when the token is missing or unknown, then 403 {"errors":["permission denied"]}', async () => {
    const answer = await fetch(`${vault.url}/v1/secret/data/x`);
    expect(answer.status).toBe(403);
    expect(await answer.json()).toEqual({ errors: ['permission denied'] });
    expect(await status(nodeVault({ endpoint: vault.url, token: 'nope' }).read('secret/data/x'))).toMatchObject({ statusCode: 403 });
  });

  it('when a path does not exist, then 404 {"errors":[]}', async () => {
    expect(await status(client.read('secret/data/missing'))).toEqual({ statusCode: 404, body: { errors: [] } });
  });

  it('when sealed, then 503 with an errors array', async () => {
    vault.fail('sealed');
    expect(await status(client.read('secret/data/x'))).toEqual({ statusCode: 503, body: { errors: ['Vault is sealed'] } });
  });
});

describe('Vault double: KV v2', () => {
  it('when a secret is written twice, then reads, ?version= and metadata follow the versions', async () => {
    await client.write('secret/data/app', { data: { k: 'one' } });
    const written = await client.write('secret/data/app', { data: { k: 'two' } });
    expect(written.data).toMatchObject({ version: 2, destroyed: false, deletion_time: '' });
    expect((await client.read('secret/data/app')).data).toMatchObject({ data: { k: 'two' }, metadata: { version: 2 } });
    expect((await client.read('secret/data/app?version=1')).data.data).toEqual({ k: 'one' });
    const meta = await client.read('secret/metadata/app');
    expect(meta.data.current_version).toBe(2);
    expect(Object.keys(meta.data.versions)).toEqual(['1', '2']);
  });
});

describe('Vault double: database credentials and leases', () => {
  it('when credentials are generated, then the lease renews within max TTL and lapses on the clock', async () => {
    vault.seed.databaseRole('fn-intake', { ttl: 60, maxTtl: 120 });
    const creds = await client.generateDatabaseCredentials({ databasePath: 'database', name: 'fn-intake' });
    expect(creds).toMatchObject({ lease_duration: 60, renewable: true, data: { username: expect.stringContaining('fn-intake') } });
    expect(creds.lease_id).toMatch(/^database\/creds\/fn-intake\//);
    vault.clock.advance(50);
    expect(await client.renew({ lease_id: creds.lease_id, increment: 60 })).toMatchObject({ lease_duration: 60 });
    vault.clock.advance(50);
    expect((await client.renew({ lease_id: creds.lease_id, increment: 60 })).lease_duration).toBe(20); // capped at max TTL
    vault.clock.advance(21);
    expect(vault.inspect.leases()[0]?.live).toBe(false);
    expect(await status(client.renew({ lease_id: creds.lease_id }))).toEqual({ statusCode: 400, body: { errors: ['lease not found'] } });
  });
});

describe('Vault double: transit', () => {
  it("when a key is rotated and old versions retired, then decrypt refuses them with Vault's error and rewrap moves data forward", async () => {
    const v1 = (await client.encryptData({ name: 'pii', plaintext: b64('+34 600 000 000') })).data.ciphertext as string;
    expect(v1).toMatch(/^vault:v1:/);
    await client.write('transit/keys/pii/rotate', {});
    const v2 = (await client.rewrapData({ name: 'pii', ciphertext: v1 })).data.ciphertext as string;
    expect(v2).toMatch(/^vault:v2:/);
    await client.write('transit/keys/pii/config', { min_decryption_version: 2 });
    expect(await status(client.decryptData({ name: 'pii', ciphertext: v1 }))).toEqual({ statusCode: 400, body: { errors: [TOO_OLD] } });
    const plain = (await client.decryptData({ name: 'pii', ciphertext: v2 })).data.plaintext as string;
    expect(Buffer.from(plain, 'base64').toString()).toBe('+34 600 000 000');
  });

  it('when a ciphertext is tampered, then decrypt answers 400 invalid ciphertext', async () => {
    const ct = (await client.encryptData({ name: 'pii', plaintext: b64('Lyon') })).data.ciphertext as string;
    const tampered = ct.slice(0, -4) + (ct.endsWith('AAA=') ? 'BBB=' : 'AAA=');
    expect(await status(client.decryptData({ name: 'pii', ciphertext: tampered }))).toMatchObject({
      statusCode: 400,
      body: { errors: ['invalid ciphertext: unable to decrypt'] },
    });
  });

  it('when batch_input is sent, then batch_results come back in order; hmac is deterministic per version', async () => {
    const encrypted = await client.encryptData({ name: 'pii', batch_input: [{ plaintext: b64('a') }, { plaintext: b64('b') }] });
    const results = encrypted.data.batch_results as { ciphertext: string }[];
    const decrypted = await client.decryptData({ name: 'pii', batch_input: results.map((r) => ({ ciphertext: r.ciphertext })) });
    expect(decrypted.data.batch_results.map((r: { plaintext: string }) => Buffer.from(r.plaintext, 'base64').toString())).toEqual(['a', 'b']);
    const hmac = async () => (await client.write('transit/hmac/pii', { input: b64('dupont@example.fr') })).data.hmac as string;
    expect(await hmac()).toBe(await hmac());
    expect(await hmac()).toMatch(/^vault:v1:/);
  });
});
