import { z } from 'zod';
import { answerLinkSecretSchema } from '../../shared/domain/tv-answer-token';

/** What tv-customer-answers reads from its environment beyond the database settings: the key that checks the customer's link. */
export const answersConfigSchema = z.object({
  TV_ANSWER_LINK_SECRET: answerLinkSecretSchema,
});
