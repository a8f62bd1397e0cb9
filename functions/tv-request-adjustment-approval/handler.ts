import { informCustomer } from '../../shared/domain/messages';
import { ANSWER_LINK_GRACE_MS, signAnswerToken } from '../../shared/domain/tv-answer-token';
import { PermanentError } from '../../shared/errors';
import { durationMs, type JobContext, type JobOutcome } from '../../shared/workflow';
import { type RequestApprovalVariables } from './schema';

export interface RequestApprovalDeps {
  /** TV_ANSWER_LINK_SECRET: signs the answer link (HMAC-SHA256). */
  linkSecret: string;
  /** TV_ANSWER_LINK_BASE_URL: the customer-facing page the token is appended to. */
  linkBaseUrl: string;
  clock?: () => Date;
}

interface AdjustmentsRow {
  approval_requested_at: Date | null;
  extra_cost_minor: string;
  currency: string;
  customer_id: string;
  country_code: string;
  sales_order_id: string;
  has_email: boolean;
}

/** The answer link: the base URL with the token as its last path segment. */
export function answerLink(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${token}`;
}

/**
 * A YES_BUT visit's adjustments now await the customer's answer, until now + answerDeadline.
 * The customer is sent (through notify, by reference) a link carrying a signed token that
 * binds the visit and the order. Asked already (another job for the same visit): nothing is
 * sent twice.
 */
export function makeRequestAdjustmentApproval(deps: RequestApprovalDeps) {
  const now = deps.clock ?? (() => new Date());
  return async ({ orderId, visitId, answerDeadline }: RequestApprovalVariables, ctx: JobContext): Promise<JobOutcome> => {
    const { tx } = ctx;
    const {
      rows: [row],
    } = await tx.query<AdjustmentsRow>(
      `SELECT a.approval_requested_at, a.extra_cost_minor, a.currency, o.customer_id, o.country_code, o.sales_order_id,
              (c.email IS NOT NULL) AS has_email
         FROM tv.adjustments a
         JOIN orders.service_orders o ON o.id = a.service_order_id
         JOIN orders.customers c ON c.id = o.customer_id
        WHERE a.visit_id = $1 AND a.service_order_id = $2
        FOR UPDATE OF a`,
      [visitId, orderId],
    );
    if (!row) throw new PermanentError(`visit ${visitId} of service order ${orderId} has no adjustments to approve`, 'no-adjustments');
    if (row.approval_requested_at) {
      ctx.logger.info('customer already asked', { visitId });
      return { kind: 'complete', variables: {} };
    }
    const requestedAt = now();
    const deadline = new Date(requestedAt.getTime() + durationMs(answerDeadline));
    await tx.query('UPDATE tv.adjustments SET approval_requested_at = $2, answer_deadline = $3 WHERE visit_id = $1', [visitId, requestedAt, deadline]);
    const token = signAnswerToken(deps.linkSecret, {
      visitId,
      serviceOrderId: orderId,
      expiresAt: new Date(deadline.getTime() + ANSWER_LINK_GRACE_MS),
    });
    await informCustomer(ctx.outbox, {
      serviceOrderId: orderId,
      customerId: row.customer_id,
      hasEmail: row.has_email,
      countryCode: row.country_code,
      templateId: 'tv.adjustments-approval-requested',
      parameters: {
        orderReference: row.sales_order_id,
        answerUrl: answerLink(deps.linkBaseUrl, token),
        answerDeadline: deadline.toISOString(),
        extraCostMinor: Number(row.extra_cost_minor),
        currency: row.currency,
      },
    });
    return { kind: 'complete', variables: {} };
  };
}
