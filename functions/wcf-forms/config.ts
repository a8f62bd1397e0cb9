import { z } from 'zod';
import { customerLinkSecretSchema } from '../../shared/domain/customer-link';

/** What wcf-forms reads beyond the database, Adobe Sign and object storage: how to sign and address the customer's answer link. */
export const linkConfigSchema = z.object({
  CUSTOMER_LINK_SECRET: customerLinkSecretSchema,
  CUSTOMER_LINK_BASE_URL: z.url(),
});
