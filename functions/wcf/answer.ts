import { messages } from '../../bpmn/contract';
import type { Principal } from '../../shared/auth/principal';
import type { CustomerLinkClaims } from '../../shared/domain/customer-link';
import { ConflictError } from '../../shared/errors';
import type { WriteContext } from '../../shared/http';
import { requestWorkflowMessage } from '../../shared/workflow/request-message';
import { assignedOrder, closingFormForUpdate, linkedForm, type FormForAnswer } from './queries';
import type { AnswerBody } from './schema';

export type AnsweredVia = 'technician-device' | 'customer-link';

/**
 * The technician (or a provider admin of the order's provider) records the customer's answer
 * to the order's closing form on the device. 404 for another provider's order (or a technician
 * not assigned to it), 409 `no-wcf-open` before the workflow opened the form, 409
 * `wcf-already-answered` once it has its answer (nothing changes).
 */
export async function answerOnDevice(ctx: WriteContext, principal: Principal, orderId: string, body: AnswerBody) {
  await assignedOrder(ctx.tx, principal, orderId);
  const form = await closingFormForUpdate(ctx.tx, orderId);
  if (!form) throw new ConflictError(`service order ${orderId} has no closing form open`, 'no-wcf-open');
  return recordAnswer(ctx, form, body, 'technician-device');
}

/** The customer answers from their signed link (the token is checked by the caller): the same rules, the form named by the link. */
export async function answerFromLink(ctx: WriteContext, claims: CustomerLinkClaims, body: AnswerBody) {
  const form = await linkedForm(ctx.tx, claims.subjectId, claims.serviceOrderId, true);
  return recordAnswer(ctx, form, body, 'customer-link');
}

/**
 * Records the answer on a form awaiting it (locked by the caller): its reserves (origin
 * customer, numbered 1..n), the form answered, and the workflow told (message wcf-answered,
 * correlated by the form id) in the same transaction.
 */
async function recordAnswer({ tx, outbox, now }: WriteContext, form: FormForAnswer, body: AnswerBody, via: AnsweredVia) {
  if (form.status !== 'awaiting-answer') {
    throw new ConflictError(`the form ${form.id} is ${form.status}${form.answer ? ` (${form.answer})` : ''}: it has its answer`, 'wcf-already-answered');
  }
  const reserves = body.answer === 'accepted-with-reserves' ? body.reserves : [];
  if (reserves.length > 0) {
    await tx.query(
      `INSERT INTO wcf.reserves (form_id, service_order_id, seq, origin, description, location, photo_refs, created_at)
       SELECT $1, $2, r.seq, 'customer', r.description, r.location, r.photo_refs, $4
         FROM jsonb_to_recordset($3::jsonb) AS r(seq int, description text, location text, photo_refs jsonb)`,
      [
        form.id,
        form.service_order_id,
        JSON.stringify(reserves.map((r, i) => ({ seq: i + 1, description: r.description, location: r.location, photo_refs: r.photoRefs ?? [] }))),
        now,
      ],
    );
  }
  const reason = body.answer === 'rejected' ? body.reason : null;
  await tx.query(
    `UPDATE wcf.forms SET status = 'answered', answer = $2, rejection_reason = $3, answered_at = $4, answered_via = $5, updated_at = $4 WHERE id = $1`,
    [form.id, body.answer, reason, now, via],
  );
  await requestWorkflowMessage(outbox, messages.wcfAnswered, form.id, { answer: body.answer }, { messageId: `wcf-answered:${form.id}` });
  return {
    formId: form.id,
    serviceOrderId: form.service_order_id,
    status: 'answered',
    answer: body.answer,
    rejectionReason: reason,
    reserves: reserves.map((r, i) => ({ seq: i + 1, description: r.description, location: r.location, photoRefs: r.photoRefs ?? [] })),
    answeredVia: via,
    answeredAt: now.toISOString(),
  };
}
