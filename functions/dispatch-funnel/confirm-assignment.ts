import { randomUUID } from 'node:crypto';
import { assignmentConfirmed } from '../../events';
import type { DbClient } from '../../shared/db';
import { informPartner } from '../../shared/domain/messages';
import type { Outbox } from '../../shared/outbox/outbox';
import { withdrawOpenOffers } from './withdraw-offers';

export interface NewAssignment {
  orderId: string;
  /** The order's country (the provider's message locale). */
  countryCode: string;
  providerId: string;
  source: 'offer' | 'auto-accept' | 'manual';
  offerId: string | null;
  dispatchId: string | null;
  at: Date;
}

/**
 * Confirms a provider for an order: the one live assignment, the order's provider, the run
 * assigned, every other open offer of the order superseded, dispatch.assignment.confirmed, and
 * the provider told (SMS).
 */
export async function confirmAssignment(tx: DbClient, outbox: Outbox, a: NewAssignment): Promise<string> {
  const id = randomUUID();
  await tx.query(
    `INSERT INTO dispatch.assignments (id, service_order_id, provider_id, dispatch_id, offer_id, source, status, confirmed_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'confirmed', $7)`,
    [id, a.orderId, a.providerId, a.dispatchId, a.offerId, a.source, a.at],
  );
  await tx.query('UPDATE orders.service_orders SET provider_id = $2, updated_at = NOW() WHERE id = $1', [a.orderId, a.providerId]);
  await withdrawOpenOffers(tx, outbox, {
    orderId: a.orderId,
    countryCode: a.countryCode,
    reason: 'superseded',
    at: a.at,
    keep: a.offerId,
    winner: a.providerId,
  });
  if (a.dispatchId) await tx.query(`UPDATE dispatch.dispatches SET status = 'assigned', updated_at = $2 WHERE id = $1`, [a.dispatchId, a.at]);
  await outbox.add(
    assignmentConfirmed,
    {
      assignmentId: id,
      serviceOrderId: a.orderId,
      providerId: a.providerId,
      source: a.source,
      offerId: a.offerId,
      dispatchId: a.dispatchId,
      confirmedAt: a.at.toISOString(),
    },
    { subject: a.orderId },
  );
  await informPartner(outbox, {
    serviceOrderId: a.orderId,
    countryCode: a.countryCode,
    providerId: a.providerId,
    templateId: 'dispatch.assignment-confirmed',
    parameters: { assignmentId: id, source: a.source },
  });
  return id;
}
