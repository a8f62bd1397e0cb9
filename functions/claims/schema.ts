import { z } from 'zod';

export const orderParams = z.object({ orderId: z.uuid({ message: 'must be a service order id (UUID)' }) });
export const claimParams = z.object({ id: z.uuid({ message: 'must be a claim id (UUID)' }) });

/** `/link/:token`: the customer's signed claim link (shared/domain/customer-link.ts), checked by the handler. */
export const tokenParams = z.object({ token: z.string() });

export const CLAIM_CATEGORIES = ['defect', 'damage', 'malfunction', 'leak', 'finishing', 'other'] as const;
export const CLAIM_STATUSES = [
  'received',
  'acknowledged',
  'investigating',
  'deciding',
  'awaiting-approval',
  'repair-ordered',
  'refunded',
  'rejected',
  'withdrawn',
] as const;

const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date (YYYY-MM-DD)')
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v, 'a date (YYYY-MM-DD)');

/** References to photos the app or the customer uploaded (storage keys or URLs), never the images themselves. */
const photoRefs = z
  .array(
    z
      .string()
      .min(1)
      .max(500)
      .regex(/^(?!data:)\S+$/, 'a reference (no spaces, not a data URL)'),
  )
  .max(20, 'at most 20 photos');

/** A claim as the operator records it or the customer opens it from their link (discoveredOn not after today: checked by the handler). */
export const claimBody = z.object({
  category: z.enum(CLAIM_CATEGORIES, { error: `one of ${CLAIM_CATEGORIES.join(', ')}` }),
  description: z.string().trim().min(1, 'required').max(4000),
  photoRefs: photoRefs.optional(),
  discoveredOn: calendarDate.optional(),
});
export type ClaimBody = z.infer<typeof claimBody>;

/** What the expert found on the claim visit and recommends. */
export const findingsBody = z.object({
  findings: z.string().trim().min(1, 'required').max(4000),
  recommendation: z.enum(['repair', 'refund', 'reject'], { error: "one of 'repair', 'refund', 'reject'" }),
  photoRefs: photoRefs.optional(),
});
export type FindingsBody = z.infer<typeof findingsBody>;

export const listQuery = z.object({
  /** One status or a comma-separated list. */
  status: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()))
    .pipe(z.array(z.enum(CLAIM_STATUSES, { error: `one or more (comma-separated) of ${CLAIM_STATUSES.join(', ')}` })))
    .optional(),
  entitlement: z.enum(['covered', 'out-of-warranty']).optional(),
  serviceOrderId: z.uuid({ message: 'must be a service order id (UUID)' }).optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'a country code (ES, FR, IT, PL)')
    .optional(),
  openedVia: z.enum(['operator', 'customer-link']).optional(),
  claimedFrom: calendarDate.optional(),
  claimedTo: calendarDate.optional(),
  open: z
    .enum(['true', 'false'], { error: "'true' or 'false'" })
    .transform((v) => v === 'true')
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(200).optional(),
});
export type ListQuery = z.infer<typeof listQuery>;
