import { z } from 'zod';
import { authConfigSchema } from '../../shared/auth';
import { databaseConfigSchema } from '../../shared/db';
import { customerLinkSecretSchema } from '../../shared/domain/customer-link';

/** What claims reads from its environment: the database, the OIDC settings and the key that checks the customer's claim link (no default). */
export const claimsConfigSchema = databaseConfigSchema
  .extend(authConfigSchema.shape)
  .extend(z.object({ CUSTOMER_LINK_SECRET: customerLinkSecretSchema }).shape);
