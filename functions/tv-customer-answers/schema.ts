import { z } from 'zod';

/** `/answers/:token`: the signed link's token (shared/domain/tv-answer-token.ts), checked by the handler. */
export const tokenParams = z.object({ token: z.string() });

export const answerBody = z.object({
  accepted: z.boolean(),
  comment: z.string().max(2000).optional(),
});
export type AnswerBody = z.infer<typeof answerBody>;
