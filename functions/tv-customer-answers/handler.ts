import { messages } from '../../bpmn/contract';
import type { Queryable } from '../../shared/db';
import type { AnswerTokenClaims } from '../../shared/domain/tv-answer-token';
import { ConflictError, NotFoundError } from '../../shared/errors';
import type { WriteContext } from '../../shared/http';
import { requestWorkflowMessage } from '../../shared/workflow/request-message';
import type { AnswerBody } from './schema';

interface AdjustmentsRow {
  visit_id: string;
  sales_order_id: string;
  lines: unknown[];
  extra_cost_minor: string;
  currency: string;
  answer_deadline: Date | null;
  customer_answer: 'accepted' | 'refused' | null;
  answered_at: Date | null;
  installation_status: string;
}

/** The adjustments the token names: visit AND order must match, or there is nothing to show. */
async function findAdjustments(db: Queryable, claims: AnswerTokenClaims, lock = false): Promise<AdjustmentsRow> {
  const {
    rows: [row],
  } = await db.query<AdjustmentsRow>(
    `SELECT a.visit_id, o.sales_order_id, a.lines, a.extra_cost_minor, a.currency, a.answer_deadline, a.customer_answer, a.answered_at,
            o.installation_status
       FROM tv.adjustments a JOIN orders.service_orders o ON o.id = a.service_order_id
      WHERE a.visit_id = $1 AND a.service_order_id = $2 AND a.answer_deadline IS NOT NULL
      ${lock ? 'FOR UPDATE OF a' : ''}`,
    [claims.visitId, claims.serviceOrderId],
  );
  if (!row) throw new NotFoundError('nothing awaits an answer for this link');
  return row;
}

/** What the customer is asked, as the answer page shows it (no personal data). */
function present(row: AdjustmentsRow, now: Date) {
  return {
    orderRef: row.sales_order_id,
    adjustments: { lines: row.lines, extraCost: { amountMinor: Number(row.extra_cost_minor), currency: row.currency } },
    answerDeadline: row.answer_deadline?.toISOString() ?? null,
    deadlinePassed: row.answer_deadline !== null && row.answer_deadline.getTime() <= now.getTime(),
    answer: row.customer_answer,
    answeredAt: row.answered_at?.toISOString() ?? null,
  };
}

/** What the link asks the customer, and whether it is still open. */
export async function showAdjustments(db: Queryable, claims: AnswerTokenClaims, now: Date) {
  return present(await findAdjustments(db, claims), now);
}

/**
 * Records the customer's answer once, before the deadline, and tells the workflow (message
 * tv-adjustments-answered, correlated by the order id, idempotent by messageId) through the
 * outbox, in the transaction that records the answer. The same answer again is answered 200
 * without a second message; a different one 409 `already-answered`; any answer after the
 * deadline 409 `answer-deadline-passed` — also once the workflow's own deadline timer has
 * cancelled the installation (the engine's clock is the one that decides).
 */
export async function answerAdjustments({ tx, outbox, now }: WriteContext, claims: AnswerTokenClaims, body: AnswerBody) {
  const answer = body.accepted ? 'accepted' : 'refused';
  const locked = await findAdjustments(tx, claims, true);
  if (check(locked, answer, now) === 'repeat') return present(locked, now);
  await tx.query('UPDATE tv.adjustments SET customer_answer = $2, customer_comment = $3, answered_at = $4 WHERE visit_id = $1', [
    locked.visit_id,
    answer,
    body.comment ?? null,
    now,
  ]);
  await requestWorkflowMessage(
    outbox,
    messages.tvAdjustmentsAnswered,
    claims.serviceOrderId,
    { accepted: body.accepted },
    {
      messageId: `tv-answer:${claims.visitId}`,
    },
  );
  return present({ ...locked, customer_answer: answer, answered_at: now }, now);
}

/** `repeat` when the stored answer is the same, `new` when there is none yet; 409 otherwise. */
function check(row: AdjustmentsRow, answer: 'accepted' | 'refused', now: Date): 'repeat' | 'new' {
  if (row.customer_answer) {
    if (row.customer_answer === answer) return 'repeat';
    throw new ConflictError(`the adjustments were already ${row.customer_answer}`, 'already-answered');
  }
  if ((row.answer_deadline && row.answer_deadline.getTime() <= now.getTime()) || row.installation_status === 'cancelled') {
    throw new ConflictError('the deadline to answer has passed', 'answer-deadline-passed');
  }
  return 'new';
}
