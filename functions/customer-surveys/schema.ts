import { z } from 'zod';

/** `/:token`: the signed survey link's token (shared/domain/customer-link.ts, purpose 'survey'), checked by the handler. */
export const tokenParams = z.object({ token: z.string() });

export const surveyBody = z.object({
  rating: z.number({ message: 'a whole number from 1 to 5' }).int('a whole number from 1 to 5').min(1, 'from 1 to 5').max(5, 'from 1 to 5'),
  comment: z.string().trim().max(2000, 'at most 2000 characters').optional(),
});
export type SurveyBody = z.infer<typeof surveyBody>;
