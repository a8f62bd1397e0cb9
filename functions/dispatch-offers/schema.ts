import { z } from 'zod';

export const offerParams = z.object({ offerId: z.uuid({ message: 'must be an offer id (UUID)' }) });
export const assignmentParams = z.object({ assignmentId: z.uuid({ message: 'must be an assignment id (UUID)' }) });

export const offerStatuses = ['open', 'accepted', 'declined', 'expired', 'superseded', 'withdrawn'] as const;
export type OfferStatus = (typeof offerStatuses)[number];

/** `GET /offers?status=open` (the default): an open offer past its deadline counts as expired. */
export const offersQuery = z.object({ status: z.enum(offerStatuses).default('open') });

/** Why a provider declines an offer or withdraws from an accepted job. */
export const reasonCodes = ['NO_CAPACITY', 'TOO_FAR', 'MISSING_SKILL', 'PRICE', 'OTHER'] as const;

export const declineBody = z.object({
  reasonCode: z.enum(reasonCodes),
  /** Free text for the dispatcher; kept out of events. */
  comment: z.string().trim().max(1000).optional(),
});
export type DeclineBody = z.infer<typeof declineBody>;

export const withdrawBody = z.object({ reasonCode: z.enum(reasonCodes) });
export type WithdrawBody = z.infer<typeof withdrawBody>;

export const technicianBody = z.object({ technicianId: z.uuid({ message: 'must be a technician id (UUID)' }) });
export type TechnicianBody = z.infer<typeof technicianBody>;
