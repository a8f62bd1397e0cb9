import { z } from 'zod';
import { env } from '../config';

/**
 * Where documents are stored, read once with `parseConfig`. With `OBJECT_STORE_BUCKET` the S3
 * bucket (credentials from the AWS SDK's default chain: `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`
 * locally, IRSA in the cluster — never in this configuration, never logged); without it a local
 * directory, `OBJECT_STORE_DIR` (default `.data/objects`). Setting both is refused.
 */
export const objectStoreConfigSchema = z
  .object({
    /** The S3 bucket; set in the cluster. */
    OBJECT_STORE_BUCKET: z.string().min(1).optional(),
    /** The local directory, when no bucket is set. */
    OBJECT_STORE_DIR: z.string().min(1).optional(),
    /** An S3-compatible server's URL (e.g. `http://127.0.0.1:4568`); AWS's endpoint for the region unless told. */
    OBJECT_STORE_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    OBJECT_STORE_REGION: z.string().min(1).default('eu-west-1'),
    /** `true` for servers that only answer `<endpoint>/<bucket>/<key>`, not `<bucket>.<endpoint>/<key>`. */
    OBJECT_STORE_FORCE_PATH_STYLE: env.bool(false),
  })
  .refine((config) => !(config.OBJECT_STORE_BUCKET && config.OBJECT_STORE_DIR), {
    path: ['OBJECT_STORE_DIR'],
    message: 'set OBJECT_STORE_BUCKET (S3) or OBJECT_STORE_DIR (local directory), not both',
  });
export type ObjectStoreConfig = z.infer<typeof objectStoreConfigSchema>;

export const DEFAULT_OBJECT_STORE_DIR = '.data/objects';

export type ObjectStoreSettings =
  { kind: 'local'; root: string } | { kind: 's3'; bucket: string; region: string; endpoint: string | undefined; forcePathStyle: boolean };

/** The parsed variables as the store they name. */
export function objectStoreSettings(config: ObjectStoreConfig): ObjectStoreSettings {
  if (!config.OBJECT_STORE_BUCKET) return { kind: 'local', root: config.OBJECT_STORE_DIR ?? DEFAULT_OBJECT_STORE_DIR };
  return {
    kind: 's3',
    bucket: config.OBJECT_STORE_BUCKET,
    region: config.OBJECT_STORE_REGION,
    endpoint: config.OBJECT_STORE_ENDPOINT,
    forcePathStyle: config.OBJECT_STORE_FORCE_PATH_STYLE,
  };
}
