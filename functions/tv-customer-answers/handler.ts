import { messages } from '../../bpmn/contract';
import { withTransaction, type Db, type Queryable } from '../../shared/db';
import type { AnswerTokenClaims } from '../../shared/domain/tv-answer-token';
import { ConflictError, NotFoundError } from '../../shared/errors';
import type { Workflows } from '../../shared/workflow';

export interface CustomerAnswerDeps {
  db: Db;
  workflows: Workflows;
  clock: () => Date;
}

interface AdjustmentsRow {
  visit_id: string;
  sales_order_id: string;
  lines: unknown[];
  extra_cost_minor: string;
  currency: string;
  answer_deadline: Date | null;
  customer_answer: 'accepted' | 'refused' | null;
  answered_at: Date | null;
}

/** The adjustments the token names: visit AND order must match, or there is nothing to show. */
async function findAdjustments(db: Queryable, claims: AnswerTokenClaims, lock = false): Promise<AdjustmentsRow> {
  const { rows: [row] } = await db.query<AdjustmentsRow>(
    `SELECT a.visit_id, o.sales_order_id, a.lines, a.extra_cost_minor, a.currency, a.answer_deadline, a.customer_answer, a.answered_at
       FROM tv.adjustments a JOIN orders.service_orders o ON o.id = a.service_order_id
      WHERE a.visit_id = $1 AND a.service_order_id = $2 AND a.answer_deadline IS NOT NULL
      ${lock ? 'FOR UPDATE OF a' : ''}`,
    [claims.visitId, claims.serviceOrderId]);
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

export function makeShowAdjustments(deps: CustomerAnswerDeps) {
  return async (claims: AnswerTokenClaims) => present(await findAdjustments(deps.db, claims), deps.clock());
}

/**
 * Records the customer's answer once, before the deadline, and tells the workflow (message
 * tv-adjustments-answered, correlated by the order id, published before the commit; idempotent
 * by messageId). The same answer again is answered 200 without a second message; a different
 * one 409 `already-answered`; any answer after the deadline 409 `answer-deadline-passed`.
 */
export function makeAnswerAdjustments(deps: CustomerAnswerDeps) {
  return (claims: AnswerTokenClaims, body: { accepted: boolean; comment?: string | undefined }) =>
    withTransaction(deps.db, async (tx) => {
      const row = await findAdjustments(tx, claims, true);
      const now = deps.clock();
      const answer = body.accepted ? 'accepted' : 'refused';
      if (row.customer_answer) {
        if (row.customer_answer === answer) return present(row, now);
        throw new ConflictError(`the adjustments were already ${row.customer_answer}`, 'already-answered');
      }
      if (row.answer_deadline && row.answer_deadline.getTime() <= now.getTime()) {
        throw new ConflictError('the deadline to answer has passed', 'answer-deadline-passed');
      }
      await tx.query(
        'UPDATE tv.adjustments SET customer_answer = $2, customer_comment = $3, answered_at = $4 WHERE visit_id = $1',
        [row.visit_id, answer, body.comment ?? null, now]);
      await deps.workflows.publishMessage(messages.tvAdjustmentsAnswered, claims.serviceOrderId, { accepted: body.accepted }, {
        messageId: `tv-answer:${claims.visitId}`,
      });
      return present({ ...row, customer_answer: answer, answered_at: now }, now);
    });
}
