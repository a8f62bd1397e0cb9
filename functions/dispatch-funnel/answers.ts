import { z } from 'zod';
import { bpmnErrors } from '../../bpmn/contract';
import { offerAccepted, offerDeclined, offerExpired } from '../../events';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { confirmAssignment } from './confirm-assignment';
import { liveAssignment, lockOrder, notDispatchable } from './order';
import type { FunnelDeps } from './config';
import { answerVariables, expireVariables } from './schema';

interface OfferRow {
  id: string;
  provider_id: string;
  dispatch_id: string;
  status: 'open' | 'accepted' | 'declined' | 'expired' | 'superseded' | 'withdrawn';
  expires_at: Date;
}

const lockOffer = async (ctx: JobContext, orderId: string, offerId: string) =>
  (
    await ctx.tx.query<OfferRow>(
      'SELECT id, provider_id, dispatch_id, status, expires_at FROM dispatch.offers WHERE id = $1 AND service_order_id = $2 FOR UPDATE',
      [offerId, orderId],
    )
  ).rows[0];

/**
 * dispatch-expire-offers: the offer deadline passed (the model's timer). The run's open offers
 * past their deadline expire; their providers are not offered this order again in this run.
 */
export function makeExpireOffers(deps: FunnelDeps) {
  const clock = deps.clock ?? (() => new Date());
  return async ({ orderId, dispatchId }: z.infer<typeof expireVariables>, { tx, outbox }: JobContext): Promise<JobOutcome> => {
    const now = clock();
    const { rows } = await tx.query<{ id: string; provider_id: string }>(
      `UPDATE dispatch.offers SET status = 'expired', answered_at = $3
        WHERE dispatch_id = $1 AND service_order_id = $2 AND status = 'open' AND expires_at <= $3
        RETURNING id, provider_id`,
      [dispatchId, orderId, now],
    );
    for (const o of rows.sort((a, b) => a.id.localeCompare(b.id))) {
      await outbox.add(offerExpired, { offerId: o.id, serviceOrderId: orderId, providerId: o.provider_id, expiredAt: now.toISOString() }, { subject: orderId });
    }
    return { kind: 'complete', variables: { expiredOffers: rows.length } };
  };
}

/**
 * dispatch-decline-offer: the provider declined (message dispatch-offer-answered). The offer is
 * declined if the app has not recorded it yet, and the provider is excluded for this order.
 */
export function makeDeclineOffer(deps: FunnelDeps) {
  const clock = deps.clock ?? (() => new Date());
  return async ({ orderId, offerId }: z.infer<typeof answerVariables>, ctx: JobContext): Promise<JobOutcome> => {
    const offer = await lockOffer(ctx, orderId, offerId);
    if (!offer) return { kind: 'complete', variables: {} };
    const now = clock();
    if (offer.status === 'open') {
      await ctx.tx.query(`UPDATE dispatch.offers SET status = 'declined', answered_at = $2, answered_by = 'workflow' WHERE id = $1`, [offerId, now]);
      await ctx.outbox.add(
        offerDeclined,
        { offerId, serviceOrderId: orderId, providerId: offer.provider_id, answeredBy: 'workflow', at: now.toISOString() },
        { subject: orderId },
      );
    }
    await ctx.tx.query(
      `INSERT INTO dispatch.exclusions (service_order_id, provider_id, reason, created_at) VALUES ($1, $2, 'declined', $3) ON CONFLICT DO NOTHING`,
      [orderId, offer.provider_id, now],
    );
    return { kind: 'complete', variables: {} };
  };
}

/**
 * dispatch-confirm-assignment: the provider accepted (message dispatch-offer-answered). An
 * offer that is no longer open or accepted (expired, superseded, another order's) raises
 * OFFER_NOT_OPEN and the model offers again; otherwise the assignment is confirmed.
 */
export function makeConfirmAssignment(deps: FunnelDeps) {
  const clock = deps.clock ?? (() => new Date());
  return async ({ orderId, offerId }: z.infer<typeof answerVariables>, ctx: JobContext): Promise<JobOutcome> => {
    const order = await lockOrder(ctx.tx, orderId);
    const stop = notDispatchable(order);
    if (stop) return stop;
    const now = clock();
    const offer = await lockOffer(ctx, orderId, offerId);
    const live = await liveAssignment(ctx.tx, orderId);
    if (live && offer && live.provider_id === offer.provider_id) {
      return { kind: 'complete', variables: { assignmentId: live.id, providerId: live.provider_id } };
    }
    const open = offer?.status === 'open' && offer.expires_at > now;
    if (!offer || live || !(open || offer.status === 'accepted')) {
      return { kind: 'bpmn-error', errorCode: bpmnErrors.offerNotOpen, message: `offer ${offerId} of service order ${orderId} can no longer be accepted` };
    }
    if (offer.status === 'open') {
      await ctx.tx.query(`UPDATE dispatch.offers SET status = 'accepted', answered_at = $2, answered_by = 'workflow' WHERE id = $1`, [offerId, now]);
      await ctx.outbox.add(
        offerAccepted,
        { offerId, serviceOrderId: orderId, providerId: offer.provider_id, answeredBy: 'workflow', at: now.toISOString() },
        { subject: orderId },
      );
    }
    const assignmentId = await confirmAssignment(ctx.tx, ctx.outbox, {
      orderId,
      countryCode: order.countryCode,
      providerId: offer.provider_id,
      source: 'offer',
      offerId,
      dispatchId: offer.dispatch_id,
      at: now,
    });
    return { kind: 'complete', variables: { assignmentId, providerId: offer.provider_id } };
  };
}
