import { messages } from '../../bpmn/contract';
import { withTransaction, type Db, type Queryable } from '../../shared/db';
import type { AnswerTokenClaims } from '../../shared/domain/tv-answer-token';
import { ConflictError, NotFoundError } from '../../shared/errors';
import { currentTraceHeaders } from '../../shared/observability/tracing';
import { makeOutbox } from '../../shared/outbox';
import { requestWorkflowMessage } from '../../shared/workflow/request-message';

export interface CustomerAnswerDeps {
  db: Db;
  clock: () => Date;
  /** CloudEvent source of the events this function produces. */
  source: string;
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
  installation_status: string;
}

/** The adjustments the token names: visit AND order must match, or there is nothing to show. */
async function findAdjustments(db: Queryable, claims: AnswerTokenClaims, lock = false): Promise<AdjustmentsRow> {
  const { rows: [row] } = await db.query<AdjustmentsRow>(
    `SELECT a.visit_id, o.sales_order_id, a.lines, a.extra_cost_minor, a.currency, a.answer_deadline, a.customer_answer, a.answered_at,
            o.installation_status
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
 * tv-adjustments-answered, correlated by the order id, idempotent by messageId) through the
 * outbox, in the transaction that records the answer. The same answer again is answered 200
 * without a second message; a different one 409 `already-answered`; any answer after the
 * deadline 409 `answer-deadline-passed` — also once the workflow's own deadline timer has
 * cancelled the installation (the engine's clock is the one that decides).
 */
export function makeAnswerAdjustments(deps: CustomerAnswerDeps) {
  /** The stored answer when it is the same (a repeat), nothing when none yet; 409 otherwise. */
  const check = (row: AdjustmentsRow, answer: 'accepted' | 'refused', now: Date): 'repeat' | 'new' => {
    if (row.customer_answer) {
      if (row.customer_answer === answer) return 'repeat';
      throw new ConflictError(`the adjustments were already ${row.customer_answer}`, 'already-answered');
    }
    if ((row.answer_deadline && row.answer_deadline.getTime() <= now.getTime()) || row.installation_status === 'cancelled') {
      throw new ConflictError('the deadline to answer has passed', 'answer-deadline-passed');
    }
    return 'new';
  };
  return async (claims: AnswerTokenClaims, body: { accepted: boolean; comment?: string | undefined }) => {
    const answer = body.accepted ? 'accepted' : 'refused';
    const now = deps.clock();
    return withTransaction(deps.db, async (tx) => {
      const locked = await findAdjustments(tx, claims, true);
      if (check(locked, answer, now) === 'repeat') return present(locked, now);
      await tx.query(
        'UPDATE tv.adjustments SET customer_answer = $2, customer_comment = $3, answered_at = $4 WHERE visit_id = $1',
        [locked.visit_id, answer, body.comment ?? null, now]);
      const outbox = makeOutbox(tx, { source: deps.source, clock: deps.clock, traceHeaders: currentTraceHeaders });
      await requestWorkflowMessage(outbox, messages.tvAdjustmentsAnswered, claims.serviceOrderId, { accepted: body.accepted }, {
        messageId: `tv-answer:${claims.visitId}`,
      });
      return present({ ...locked, customer_answer: answer, answered_at: now }, now);
    });
  };
}
