import { z } from 'zod';
import { authConfigSchema } from '../../shared/auth';
import { databaseConfigSchema } from '../../shared/db';
import { customerLinkSecretSchema } from '../../shared/domain/customer-link';
import type { ESignature } from '../../shared/esign';
import { optionalAdobeSignConfigSchema } from '../../shared/esign/optional';

/**
 * What wcf reads from its environment: the database, the OIDC settings, the key that checks the
 * customer's link (CUSTOMER_LINK_SECRET, no default), and Adobe Sign for in-person signing —
 * optional at boot, as for contracts, so the mesh starts before it has an Adobe Sign sandbox
 * (without it a signing URL answers 503).
 */
export const wcfConfigSchema = databaseConfigSchema
  .extend(authConfigSchema.shape)
  .extend(optionalAdobeSignConfigSchema.shape)
  .extend(z.object({ CUSTOMER_LINK_SECRET: customerLinkSecretSchema }).shape);

/** What wcf asks of Adobe Sign: only the signing page of the signer whose turn it is. */
export type SigningUrls = Pick<ESignature, 'signingUrl'>;
