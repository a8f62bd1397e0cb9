import { z } from 'zod';
import { defineEvent } from '../define';

export const tvOutcomes = ['YES', 'YES_BUT', 'NO'] as const;
export type TvOutcome = (typeof tvOutcomes)[number];

/** What a YES_BUT visit changes, as the technician recorded it and the customer is asked to accept. */
export const tvAdjustments = z.object({
  lines: z
    .array(
      z.object({
        /** The order line changed or removed; absent for an added line. */
        lineNo: z.number().int().positive().optional(),
        serviceProductCode: z.string().min(1).max(100).optional(),
        change: z.enum(['add', 'remove', 'modify']),
        quantity: z.number().positive().optional(),
        description: z.string().min(1).max(500),
      }),
    )
    .min(1),
  extraCost: z.object({
    amountMinor: z.number().int().nonnegative(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR'),
  }),
});
export type TvAdjustments = z.infer<typeof tvAdjustments>;

export const tvVisitScheduled = defineEvent({
  topic: 'tv.visit.scheduled',
  type: 'ahs.tv.visit.scheduled',
  description: 'A technical visit was opened for a service order; it is due by dueBy (the SLA). A technician is assigned afterwards.',
  data: z.object({
    visitId: z.uuid(),
    serviceOrderId: z.uuid(),
    countryCode: z.string().length(2),
    dueBy: z.iso.datetime(),
  }),
  partitionKey: (d) => d.serviceOrderId,
});

export const tvVisitCompleted = defineEvent({
  topic: 'tv.visit.completed',
  type: 'ahs.tv.visit.completed',
  description:
    "The technician recorded the outcome of a technical visit: YES (go), YES_BUT (go once the customer accepts the adjustments, which are given) or NO (no go). The technician's notes stay in the tv domain.",
  data: z.object({
    visitId: z.uuid(),
    serviceOrderId: z.uuid(),
    outcome: z.enum(tvOutcomes),
    /** Set for YES_BUT only. */
    adjustments: tvAdjustments.nullable(),
    recordedAt: z.iso.datetime(),
  }),
  partitionKey: (d) => d.serviceOrderId,
});
