import { z } from 'zod';
import { InvalidInputError, type FieldIssue } from '../../shared/errors';

export const orderParams = z.object({ orderId: z.uuid({ message: 'must be a service order id (UUID)' }) });

export const messagesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(200).optional(),
});
export type MessagesQuery = z.infer<typeof messagesQuery>;

/** The longest cost report, in months (both ends included). */
export const MAX_MONTHS = 24;

const month = z.string().regex(/^[1-9]\d{3}-(0[1-9]|1[0-2])$/, 'a month, YYYY-MM');
const monthIndex = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
const monthOf = (index: number) => `${String(Math.floor(index / 12))}-${String((index % 12) + 1).padStart(2, '0')}`;

/** What is wrong with a period of months, if anything; `from` is blamed. */
function periodIssue(from: string, to: string): FieldIssue | undefined {
  if (from > to) return { field: 'from', message: `must not be after to (${to})` };
  if (monthIndex(to) - monthIndex(from) + 1 > MAX_MONTHS) return { field: 'from', message: `at most ${MAX_MONTHS} months up to to (${to})` };
  return undefined;
}

export const costsQuery = z
  .object({
    from: month.optional(),
    to: month.optional(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'a country code (ES, FR, IT, PL)')
      .optional(),
    businessUnit: z
      .string()
      .regex(/^[A-Z]{2}-[A-Z0-9-]{1,47}$/, 'a business unit code (ES-CENTRO)')
      .optional(),
  })
  .superRefine((q, ctx) => {
    const issue = q.from && q.to ? periodIssue(q.from, q.to) : undefined;
    if (issue) ctx.addIssue({ code: 'custom', path: [issue.field], message: issue.message });
  });
export type CostsQuery = z.infer<typeof costsQuery>;

/** The months a report covers, and the UTC instants they start and end at (end excluded). */
export interface Period {
  from: string;
  to: string;
  start: string;
  end: string;
}

/**
 * The period asked for: `to` defaults to the current month (UTC), `from` to `to`, so no query
 * is this month. A lone `from` after this month, or more than MAX_MONTHS before it, is 400
 * naming `query.from`, as the schema answers when both are given.
 */
export function reportPeriod(q: CostsQuery, now: Date): Period {
  const to = q.to ?? now.toISOString().slice(0, 7);
  const from = q.from ?? to;
  const issue = periodIssue(from, to);
  if (issue) {
    const field = `query.${issue.field}`;
    throw new InvalidInputError(`invalid query: ${field}: ${issue.message}`, [{ field, message: issue.message }]);
  }
  return { from, to, start: `${from}-01T00:00:00Z`, end: `${monthOf(monthIndex(to) + 1)}-01T00:00:00Z` };
}
