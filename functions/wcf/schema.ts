import { z } from 'zod';

export const orderParams = z.object({ orderId: z.uuid({ message: 'must be a service order id (UUID)' }) });
export const formParams = z.object({ id: z.uuid({ message: 'must be a WCF form id (UUID)' }) });
export const reserveParams = z.object({ id: z.uuid({ message: 'must be a reserve id (UUID)' }) });

/** `/answers/:token`: the customer's signed link (shared/domain/customer-link.ts), checked by the handler. */
export const tokenParams = z.object({ token: z.string() });

/** References to photos the app uploaded (storage keys or URLs), never the images themselves. */
const photoRefs = z
  .array(
    z
      .string()
      .min(1)
      .max(500)
      .regex(/^(?!data:)\S+$/, 'a reference (no spaces, not a data URL)'),
  )
  .max(10, 'at most 10 photos');

const reserve = z.object({
  description: z.string().trim().min(1, 'required').max(2000),
  location: z.string().trim().min(1, 'required').max(300),
  photoRefs: photoRefs.optional(),
});

/** The customer's answer to the closing form, the same on the technician's device and from their link. */
export const answerBody = z.discriminatedUnion(
  'answer',
  [
    z.object({ answer: z.literal('accepted') }),
    z.object({
      answer: z.literal('accepted-with-reserves'),
      reserves: z.array(reserve).min(1, 'at least one reserve').max(50, 'at most 50 reserves'),
    }),
    z.object({ answer: z.literal('rejected'), reason: z.string().trim().min(1, 'required').max(2000) }),
  ],
  { error: "one of 'accepted', 'accepted-with-reserves', 'rejected'" },
);
export type AnswerBody = z.infer<typeof answerBody>;

export const signingUrlQuery = z.object({ signer: z.enum(['customer', 'technician'], { error: "'customer' or 'technician'" }) });
export type Signer = z.infer<typeof signingUrlQuery>['signer'];

export const liftBody = z.object({
  note: z.string().trim().max(2000).optional(),
  photoRefs,
});
export type LiftBody = z.infer<typeof liftBody>;

export const FORM_STATUSES = ['awaiting-answer', 'answered', 'out-for-signature', 'signed', 'declined', 'expired', 'recalled', 'esign-unavailable'] as const;

export const listQuery = z.object({
  status: z.enum(FORM_STATUSES).optional(),
  kind: z.enum(['closing', 'lifting']).optional(),
  answer: z.enum(['accepted', 'accepted-with-reserves', 'rejected']).optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'a country code (ES, FR, IT, PL)')
    .optional(),
  businessUnitId: z.uuid({ message: 'must be a business unit id (UUID)' }).optional(),
  storeId: z.uuid({ message: 'must be a store id (UUID)' }).optional(),
  serviceOrderId: z.uuid({ message: 'must be a service order id (UUID)' }).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional(),
});
export type ListQuery = z.infer<typeof listQuery>;
