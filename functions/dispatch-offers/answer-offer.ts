import { messages } from '../../bpmn/contract';
import { offerAccepted, offerDeclined } from '../../events';
import type { Principal } from '../../shared/auth/principal';
import { ConflictError } from '../../shared/errors';
import type { WriteContext } from '../../shared/http';
import { requestWorkflowMessage } from '../../shared/workflow/request-message';
import { providerOf } from './scope';
import { lockOffer, type OfferRow } from './queries';
import type { DeclineBody } from './schema';

export type OfferAnswer = { answer: 'accepted' } | ({ answer: 'declined' } & DeclineBody);

/**
 * A provider answers an offer from the app: the offer is marked, the answer announced
 * (dispatch.offer.accepted / .declined) and the dispatch workflow told (message
 * dispatch-offer-answered, correlated by the order id) — all in the route's transaction, where
 * the edge stores the answer under the client's Idempotency-Key so an offline retry gets it back.
 *
 * Refused with 409 and a reason when the action is stale: `order-cancelled`, `offer-taken`
 * (another provider's parallel offer was accepted first, or the order is already assigned),
 * `offer-withdrawn` (taken back, e.g. its order was cancelled), `offer-expired` (deadline passed), `offer-already-answered`. The workflow's worker confirms
 * the assignment once it hears of the acceptance.
 */
export async function answerOffer({ tx, outbox, now }: WriteContext, principal: Principal, offerId: string, answer: OfferAnswer) {
  const providerId = providerOf(principal);
  const offer = await lockOffer(tx, providerId, offerId);
  refuseStale(offer, now);
  await tx.query(`UPDATE dispatch.offers SET status = $2, decline_reason = $3, decline_comment = $4, answered_at = $5, answered_by = $6 WHERE id = $1`, [
    offerId,
    answer.answer,
    answer.answer === 'declined' ? answer.reasonCode : null,
    answer.answer === 'declined' ? (answer.comment ?? null) : null,
    now,
    principal.subject,
  ]);
  const common = { offerId, serviceOrderId: offer.service_order_id, providerId, answeredBy: principal.subject, at: now.toISOString() };
  if (answer.answer === 'accepted') {
    await outbox.add(offerAccepted, common, { subject: offer.service_order_id });
  } else {
    // Not offered this order again, whichever run comes next.
    await tx.query(`INSERT INTO dispatch.exclusions (service_order_id, provider_id, reason) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [
      offer.service_order_id,
      providerId,
      `declined:${answer.reasonCode}`,
    ]);
    await outbox.add(offerDeclined, { ...common, reason: answer.reasonCode }, { subject: offer.service_order_id });
  }
  await requestWorkflowMessage(
    outbox,
    messages.dispatchOfferAnswered,
    offer.service_order_id,
    { offerId, answer: answer.answer },
    { messageId: `offer-answer:${offerId}` },
  );
  return { offerId, serviceOrderId: offer.service_order_id, status: answer.answer, answeredAt: now.toISOString(), answeredBy: principal.subject };
}

/** The reasons an answer comes too late, most decisive first. */
function refuseStale(offer: OfferRow, now: Date): void {
  if (offer.order_status === 'CANCELLED' || offer.installation_status === 'cancelled') {
    throw new ConflictError(`service order ${offer.service_order_id} was cancelled`, 'order-cancelled');
  }
  if (offer.status === 'accepted' || offer.status === 'declined') {
    throw new ConflictError(`offer ${offer.id} was already ${offer.status}`, 'offer-already-answered');
  }
  if (offer.status === 'withdrawn') {
    throw new ConflictError(`offer ${offer.id} was withdrawn`, 'offer-withdrawn');
  }
  if (offer.status === 'superseded' || offer.taken) {
    throw new ConflictError(`offer ${offer.id} was taken by another provider`, 'offer-taken');
  }
  if (offer.status === 'expired' || offer.expires_at.getTime() <= now.getTime()) {
    throw new ConflictError(`offer ${offer.id} expired at ${offer.expires_at.toISOString()}`, 'offer-expired');
  }
}
