import { offerWithdrawn } from '../../events';
import type { DbClient } from '../../shared/db';
import type { Outbox } from '../../shared/outbox';

/**
 * Takes back every open offer of an order (but `keep`): another provider got it (`superseded`)
 * or the order was cancelled. Each provider's app is told (dispatch.offer.withdrawn); an answer
 * to a withdrawn offer then gets 409. Returns how many were withdrawn.
 */
export async function withdrawOpenOffers(
  tx: DbClient,
  outbox: Outbox,
  w: { orderId: string; reason: 'superseded' | 'order-cancelled'; at: Date; keep?: string | null },
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
  }
  return rows.length;
}
