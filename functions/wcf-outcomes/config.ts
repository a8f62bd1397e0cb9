import { z } from 'zod';
import { databaseConfigSchema } from '../../shared/db';
import { customerLinkSecretSchema } from '../../shared/domain/customer-link';

/**
 * wcf-outcomes: the database, and how to sign and address the links sent when the order closes:
 * the claim page, and the satisfaction survey's (functions/customer-surveys).
 */
export const wcfOutcomesConfigSchema = databaseConfigSchema.extend({
  CUSTOMER_LINK_SECRET: customerLinkSecretSchema,
  CLAIM_LINK_BASE_URL: z.url(),
  SURVEY_LINK_BASE_URL: z.url(),
});
