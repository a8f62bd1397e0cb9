import { z } from 'zod';
import { answerLinkSecretSchema } from '../../shared/domain/tv-answer-token';

/** What tv-request-adjustment-approval reads from its environment beyond the database settings: how to sign and address the customer's link. */
export const approvalConfigSchema = z.object({
  TV_ANSWER_LINK_SECRET: answerLinkSecretSchema,
  TV_ANSWER_LINK_BASE_URL: z.url(),
});
