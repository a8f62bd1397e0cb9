import { z } from 'zod';
import { customerLinkSecretSchema } from '../../shared/domain/customer-link';

/** What customer-surveys reads from its environment beyond the database settings: the key that checks the customer's link. */
export const surveysConfigSchema = z.object({
  CUSTOMER_LINK_SECRET: customerLinkSecretSchema,
});
