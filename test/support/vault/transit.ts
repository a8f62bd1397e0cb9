import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { VaultClock } from './clock';
import { asInt, asString, badRequest, envelope, notFound, VaultHttpError, type Json } from './http';

interface KeyVersion {
  aes: Buffer;
  hmac: Buffer;
  createdAt: number;
}
export interface TransitKey {
  name: string;
  versions: KeyVersion[];
  minDecryptionVersion: number;
  minEncryptionVersion: number;
}

/** Vault's wording: keysutil.ErrTooOld ("ciphertext or signature version is disallowed by policy (too old)"). */
export const TOO_OLD = 'ciphertext or signature version is disallowed by policy (too old)';
const PREFIX = /^vault:v(\d+):(.*)$/;
const isBase64 = (s: string) => /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0;

/**
 * The transit secrets engine with aes256-gcm96 keys: real AES-256-GCM, a 96-bit random nonce
 * prepended to the sealed bytes, `vault:vN:` naming the key version. Source:
 * developer.hashicorp.com/vault/api-docs/secret/transit ("Encrypt data", "Decrypt data", "Rewrap
 * data", "Rotate key", "Update key configuration", "Read key", "Generate HMAC"; batch_input and
 * batch_results on encrypt/decrypt/rewrap/hmac).
 */
export class TransitEngine {
  readonly keys = new Map<string, TransitKey>();

  constructor(private readonly clock: VaultClock) {}

  /** POST /v1/transit/keys/:name creates the key (version 1); encrypt also creates it ("upsert"). */
  create(name: string): TransitKey {
    let key = this.keys.get(name);
    if (!key) {
      key = { name, versions: [], minDecryptionVersion: 1, minEncryptionVersion: 0 };
      this.keys.set(name, key);
      this.addVersion(key);
    }
    return key;
  }

  /** POST /v1/transit/keys/:name/rotate — a new latest version; old ciphertext still decrypts. */
  rotate(name: string): Json {
    const key = this.existing(name);
    this.addVersion(key);
    return this.describe(name);
  }

  /**
   * POST /v1/transit/keys/:name/config {min_decryption_version, min_encryption_version}. The floor
   * cannot pass the latest version.
   */
  configure(name: string, body: Json): Json {
    const key = this.existing(name);
    const minDecrypt = asInt(body.min_decryption_version);
    const minEncrypt = asInt(body.min_encryption_version);
    if (minDecrypt !== undefined) {
      if (minDecrypt > key.versions.length) throw badRequest('cannot set min decryption version to a value greater than the latest version');
      key.minDecryptionVersion = Math.max(1, minDecrypt);
    }
    if (minEncrypt !== undefined) key.minEncryptionVersion = minEncrypt;
    return this.describe(name);
  }

  /** GET /v1/transit/keys/:name — type, latest_version, the version floors and `keys` {N: unix time}. */
  describe(name: string): Json {
    const key = this.existing(name);
    const keys: Record<string, number> = {};
    key.versions.forEach((v, i) => {
      if (i + 1 >= key.minDecryptionVersion) keys[String(i + 1)] = Math.floor(v.createdAt / 1000);
    });
    return envelope({
      data: {
        name,
        type: 'aes256-gcm96',
        latest_version: key.versions.length,
        min_decryption_version: key.minDecryptionVersion,
        min_encryption_version: key.minEncryptionVersion,
        deletion_allowed: false,
        supports_encryption: true,
        supports_decryption: true,
        keys,
      },
    });
  }

  /** POST /v1/transit/encrypt/:name {plaintext (base64), key_version?} or {batch_input: [...]} → `ciphertext`, `key_version`. */
  encrypt(name: string, body: Json): Json {
    const key = this.create(name);
    return this.each(body, (item) => {
      const plaintext = asString(item.plaintext);
      if (plaintext === undefined || !isBase64(plaintext)) throw badRequest('failed to base64-decode plaintext');
      return this.seal(key, Buffer.from(plaintext, 'base64'), asInt(item.key_version) ?? asInt(body.key_version));
    });
  }

  /** POST /v1/transit/decrypt/:name {ciphertext} or {batch_input} → `plaintext` (base64). */
  decrypt(name: string, body: Json): Json {
    const key = this.existing(name, true);
    return this.each(body, (item) => ({ plaintext: this.open(key, asString(item.ciphertext)).toString('base64') }));
  }

  /** POST /v1/transit/rewrap/:name {ciphertext} or {batch_input} → the same plaintext under the latest (or `key_version`) key. */
  rewrap(name: string, body: Json): Json {
    const key = this.existing(name, true);
    return this.each(body, (item) => this.seal(key, this.open(key, asString(item.ciphertext)), asInt(item.key_version) ?? asInt(body.key_version)));
  }

  /**
   * POST /v1/transit/hmac/:name(/:algorithm) {input (base64)} or {batch_input} → `hmac` `vault:vN:<base64>`,
   * HMAC-SHA256 by default under the version's HMAC key (deterministic: a keyed blind index).
   */
  hmac(name: string, body: Json, algorithm = 'sha2-256'): Json {
    const key = this.existing(name, true);
    const hash = { 'sha2-256': 'sha256', 'sha2-384': 'sha384', 'sha2-512': 'sha512' }[algorithm];
    if (!hash) throw badRequest(`unsupported algorithm ${algorithm}`);
    return this.each(body, (item) => {
      const input = asString(item.input);
      if (input === undefined || !isBase64(input)) throw badRequest('unable to decode input as base64');
      const version = this.encryptionVersion(key, asInt(item.key_version) ?? asInt(body.key_version));
      const mac = createHmac(hash, key.versions[version - 1]!.hmac)
        .update(Buffer.from(input, 'base64'))
        .digest('base64');
      return { hmac: `vault:v${version}:${mac}` };
    });
  }

  /**
   * One item, or `batch_input` item by item. A failed batch item carries its own `error`; when any
   * item fails the answer is 400 with all `batch_results` (api-docs: partial_failure_response_code,
   * default 400).
   */
  private each(body: Json, op: (item: Json) => Json): Json {
    if (!Array.isArray(body.batch_input)) return envelope({ data: op(body) });
    let failed = false;
    const results = (body.batch_input as Json[]).map((item) => {
      try {
        return op(item ?? {});
      } catch (error) {
        if (!(error instanceof VaultHttpError)) throw error;
        failed = true;
        return { error: error.errors[0] ?? 'error' };
      }
    });
    const answer = envelope({ data: { batch_results: results } });
    if (failed) throw new VaultHttpError(400, [], answer);
    return answer;
  }

  private seal(key: TransitKey, plaintext: Buffer, askedVersion: number | undefined): Json {
    const version = this.encryptionVersion(key, askedVersion);
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key.versions[version - 1]!.aes, nonce);
    const sealed = Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return { ciphertext: `vault:v${version}:${sealed.toString('base64')}`, key_version: version };
  }

  private open(key: TransitKey, ciphertext: string | undefined): Buffer {
    const match = PREFIX.exec(ciphertext ?? '');
    if (!match) throw badRequest('invalid ciphertext: no prefix');
    const version = Number(match[1]);
    if (version > key.versions.length) throw badRequest('invalid ciphertext: version is too new');
    if (version < key.minDecryptionVersion) throw badRequest(TOO_OLD);
    const sealed = Buffer.from(match[2]!, 'base64');
    if (sealed.length < 12 + 16) throw badRequest('invalid ciphertext: unable to decrypt');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.versions[version - 1]!.aes, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
    } catch {
      throw badRequest('invalid ciphertext: unable to decrypt');
    }
  }

  private encryptionVersion(key: TransitKey, asked: number | undefined): number {
    if (asked === undefined || asked === 0) return key.versions.length;
    if (asked > key.versions.length) throw badRequest('requested version for encryption is greater than the latest key version');
    if (asked < key.minEncryptionVersion) throw badRequest('requested version for encryption is less than the minimum encryption key version');
    return asked;
  }

  /** A missing key: 404 on the keys/ paths, 400 "encryption key not found" on the data operations. */
  private existing(name: string, forData = false): TransitKey {
    const key = this.keys.get(name);
    if (!key) throw forData ? badRequest('encryption key not found') : notFound();
    return key;
  }

  private addVersion(key: TransitKey): void {
    key.versions.push({ aes: randomBytes(32), hmac: randomBytes(32), createdAt: this.clock.now() });
  }
}
