import { authConfigSchema } from '../../shared/auth';
import { databaseConfigSchema } from '../../shared/db';
import type { ESignature } from '../../shared/esign';
import { optionalAdobeSignConfigSchema } from '../../shared/esign/optional';

/**
 * What contracts reads from its environment: the database, the OIDC settings, and Adobe Sign to
 * recall an agreement out for signature — optional at boot, as for the contract workers, so the
 * mesh starts before it has an Adobe Sign sandbox (without it a recall answers 503). The object
 * store holding the documents has its own variables, read by `objectStoreFromConfig`
 * (OBJECT_STORE_BUCKET and the S3 settings in the cluster, OBJECT_STORE_DIR locally).
 */
export const contractsConfigSchema = databaseConfigSchema.extend(authConfigSchema.shape).extend(optionalAdobeSignConfigSchema.shape);

/** What contracts asks of Adobe Sign: only the recall of an agreement out for signature. */
export type Recaller = Pick<ESignature, 'recall'>;
