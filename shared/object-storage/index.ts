/**
 * Write-once storage of signed contracts, their audit trails and contract PDFs: S3 in the
 * cluster, a local directory in development. A function's `index.ts` builds it once:
 *
 *   const documents: ObjectStore = objectStoreFromConfig(process.env);
 *   const stored = await documents.put(`contracts/${tenantId}/${contractId}/signed.pdf`, pdf, {
 *     contentType: 'application/pdf', retentionClass: 'contract-10y',
 *   });
 *
 * Failures: `ObjectConflictError` (the key holds other bytes), `ObjectNotFoundError` (`get` of a
 * missing key), `ObjectStoreUnavailableError` (retryable), `InvalidObjectKeyError` (a bug).
 * Tests use `makeLocalObjectStore` on a temporary directory.
 */
import { parseConfig } from '../config';
import { objectStoreConfigSchema, objectStoreSettings, type ObjectStoreSettings } from './config';
import { makeLocalObjectStore } from './local';
import type { ObjectStore } from './types';

export { objectStoreConfigSchema, objectStoreSettings, DEFAULT_OBJECT_STORE_DIR, type ObjectStoreConfig, type ObjectStoreSettings } from './config';
export { InvalidObjectKeyError, ObjectConflictError, ObjectIntegrityError, ObjectNotFoundError } from './errors';
export { assertValidKey, sha256Hex } from './keys';
export { makeLocalObjectStore } from './local';
export { RETENTION_CLASSES, isRetentionClass } from './types';
export type * from './types';

/** The store the environment names (see `objectStoreConfigSchema`); throws `ConfigError` naming a wrong variable. */
export function objectStoreFromConfig(environment: NodeJS.ProcessEnv = process.env): ObjectStore {
  return objectStoreFromSettings(objectStoreSettings(parseConfig(objectStoreConfigSchema, environment)));
}

export function objectStoreFromSettings(settings: ObjectStoreSettings): ObjectStore {
  if (settings.kind === 'local') return makeLocalObjectStore({ root: settings.root });
  // The AWS SDK (~600 KiB bundled) is loaded on the first document read or written, not at boot:
  // a function scaled to zero answers its first request without paying for it (bench:cold-start).
  let store: Promise<ObjectStore> | undefined;
  const s3 = (): Promise<ObjectStore> =>
    (store ??= import('./s3').then(({ S3Client, makeS3ObjectStore }) =>
      // Credentials: the SDK's default provider chain (environment, web identity token, ...).
      makeS3ObjectStore({
        client: new S3Client({ region: settings.region, endpoint: settings.endpoint, forcePathStyle: settings.forcePathStyle }),
        bucket: settings.bucket,
      }),
    ));
  return {
    put: async (key, bytes, meta) => (await s3()).put(key, bytes, meta),
    get: async (key) => (await s3()).get(key),
    head: async (key) => (await s3()).head(key),
  };
}
