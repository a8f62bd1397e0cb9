import { z } from 'zod';

export const orderIdParams = z.object({ id: z.uuid({ message: 'must be a service order id (UUID)' }) });

export const listQuery = z.object({
  status: z.enum(['CREATED', 'CANCELLED']).optional(),
  store: z.string().min(1).max(50).optional(),
  salesSystem: z.enum(['PYXIS', 'TEMPO']).optional(),
  channel: z.enum(['IN_STORE', 'ONLINE', 'PHONE', 'PARTNER']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional(),
});

export type ListQuery = z.infer<typeof listQuery>;
