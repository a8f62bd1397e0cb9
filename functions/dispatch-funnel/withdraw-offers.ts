import { offerWithdrawn } from '../../events';
import type { DbClient } from '../../shared/db';
import { informPartner } from '../../shared/domain/messages';
import type { Outbox } from '../../shared/outbox';

/**
 * Takes back every open offer of an order (but `keep`): another provider got it (`superseded`)
 * or the order was cancelled. Each provider's app is told (dispatch.offer.withdrawn) and its desk
 * by SMS (dispatch.offer-withdrawn) — but not `winner`, the provider the order just went to (an
 * operator may give it to a provider whose own offer was still open); an answer to a withdrawn
 * offer then gets 409. Returns how many were withdrawn.
 */
export async function withdrawOpenOffers(
  tx: DbClient,
  outbox: Outbox,
  w: { orderId: string; countryCode: string; reason: 'superseded' | 'order-cancelled'; at: Date; keep?: string | null; winner?: string },
): Promise<number> {
  const status = w.reason === 'superseded' ? 'superseded' : 'withdrawn';
  const { rows } = await tx.query<{ id: string; provider_id: string }>(
    `UPDATE dispatch.offers SET status = $4, answered_at = $3
      WHERE service_order_id = $1 AND status = 'open' AND id IS DISTINCT FROM $2
      RETURNING id, provider_id`,
    [w.orderId, w.keep ?? null, w.at, status],
  );
  for (const offer of rows.sort((a, b) => a.id.localeCompare(b.id))) {
    await outbox.add(
      offerWithdrawn,
      { offerId: offer.id, serviceOrderId: w.orderId, providerId: offer.provider_id, reason: w.reason, withdrawnAt: w.at.toISOString() },
      { subject: w.orderId },
    );
    if (offer.provider_id === w.winner) continue;
    await informPartner(outbox, {
      serviceOrderId: w.orderId,
      countryCode: w.countryCode,
      providerId: offer.provider_id,
      templateId: 'dispatch.offer-withdrawn',
      parameters: { offerId: offer.id, reason: w.reason },
    });
  }
  return rows.length;
}
