import { z } from 'zod';
import { databaseConfigSchema } from '../../shared/db';
import { customerLinkSecretSchema } from '../../shared/domain/customer-link';

/** wcf-outcomes: the database, and how to sign and address the claim link sent when the order closes. */
export const wcfOutcomesConfigSchema = databaseConfigSchema.extend({
  CUSTOMER_LINK_SECRET: customerLinkSecretSchema,
  CLAIM_LINK_BASE_URL: z.url(),
});
