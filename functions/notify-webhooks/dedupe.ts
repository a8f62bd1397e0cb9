import type { Queryable } from '../../shared/db';

/**
 * Marks a provider's webhook delivery as applied (notify.provider_events): true the first time,
 * false for a redelivery, which then changes nothing. In the caller's transaction, so a delivery
 * whose work rolls back is applied again when the provider retries.
 */
export async function firstDelivery(tx: Queryable, provider: 'twilio' | 'sendgrid', eventId: string): Promise<boolean> {
  const { rowCount } = await tx.query('INSERT INTO notify.provider_events (provider, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [provider, eventId]);
  return rowCount === 1;
}
