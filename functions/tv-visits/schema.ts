import { z } from 'zod';
import { tvAdjustments, tvOutcomes } from '../../events';

export const orderParams = z.object({ orderId: z.uuid({ message: 'must be a service order id (UUID)' }) });

export const assignmentBody = z.object({
  /** The technician's subject (the `sub` of their token). */
  technician: z.string().min(1).max(255),
  providerId: z.uuid(),
  appointmentAt: z.iso.datetime({ offset: true }),
});
export type AssignmentBody = z.infer<typeof assignmentBody>;

/** Adjustments are required for YES_BUT and refused for YES and NO (400 naming `adjustments`). */
export const outcomeBody = z
  .object({
    outcome: z.enum(tvOutcomes),
    notes: z.string().max(4000).optional(),
    adjustments: tvAdjustments.optional(),
  })
  .superRefine((body, ctx) => {
    if (body.outcome === 'YES_BUT' && !body.adjustments) {
      ctx.addIssue({ code: 'custom', path: ['adjustments'], message: 'required when outcome is YES_BUT' });
    }
    if (body.outcome !== 'YES_BUT' && body.adjustments) {
      ctx.addIssue({ code: 'custom', path: ['adjustments'], message: 'only allowed when outcome is YES_BUT' });
    }
  });
export type OutcomeBody = z.infer<typeof outcomeBody>;
