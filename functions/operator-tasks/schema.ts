import { z } from 'zod';

/** Zeebe keys are 64-bit integers, written as decimal strings. */
export const taskKeyParams = z.object({ key: z.string().regex(/^\d{1,19}$/, { error: 'must be a user task key (digits)' }) });

export const listTasksQuery = z.object({
  state: z.enum(['CREATED', 'COMPLETED', 'CANCELED', 'FAILED']).default('CREATED'),
  /** `me` = the caller; otherwise a token subject. */
  assignee: z.string().trim().min(1).max(200).optional(),
  /** The tasks of one process instance (e.g. a claim's, `processInstanceKey` on GET /claims/:id). */
  processInstanceKey: z
    .string()
    .regex(/^\d{1,20}$/, { error: 'must be a process instance key (digits)' })
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type ListTasksQuery = z.infer<typeof listTasksQuery>;

export const listIncidentsQuery = z.object({
  state: z.enum(['ACTIVE', 'RESOLVED']).default('ACTIVE'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type ListIncidentsQuery = z.infer<typeof listIncidentsQuery>;

/** The largest variables object a completion may carry (serialized JSON). */
export const MAX_VARIABLES_BYTES = 32 * 1024;

/**
 * Variables that place a process instance in its tenant (and correlate it): a completion
 * must not move an instance into another tenant's scope, so they cannot be set here.
 */
export const RESERVED_VARIABLES = ['country', 'businessUnit', 'store', 'orderId'] as const;

const variableName = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;

const variables = z.record(z.string(), z.json()).superRefine((vars, ctx) => {
  for (const name of Object.keys(vars)) {
    if (!variableName.test(name))
      ctx.addIssue({ code: 'custom', path: [name], message: 'must be a variable name (a letter, then letters, digits or _; at most 100)' });
    else if ((RESERVED_VARIABLES as readonly string[]).includes(name))
      ctx.addIssue({ code: 'custom', path: [name], message: 'is set by the workflow and cannot be changed by a task' });
  }
  if (Buffer.byteLength(JSON.stringify(vars)) > MAX_VARIABLES_BYTES) {
    ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_VARIABLES_BYTES} bytes of JSON` });
  }
});

export const completeBody = z.strictObject({ variables: variables.optional() }).optional();
export type CompleteBody = z.infer<typeof completeBody>;
