import { z } from 'zod';

/** `GET /?type=...&limit=...&before=<id>`: newest first, `before` pages back. */
export const listQuery = z.object({
  type: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().positive().optional(),
});
export type ListQuery = z.infer<typeof listQuery>;

export const letterParams = z.object({ id: z.coerce.number().int().positive() });
