import { randomUUID } from 'node:crypto';
import { notifyPartnerMessageRequested } from '../../events/notify/partner-message';
import type { Queryable } from '../db/pool';
import type { Outbox } from '../outbox/outbox';
import { localeOfCountry } from './locale';

export interface PartnerMessage {
  serviceOrderId: string;
  providerId: string;
  /** A technician of that provider; the provider's dispatch desk when absent. */
  technicianId?: string;
  templateId: string;
  parameters: Record<string, string | number | boolean>;
}

/**
 * Asks for an SMS to a provider or its technician about an order, in the same transaction as
 * the change it announces (outbox); the locale is the order's country's.
 */
export async function informPartner(tx: Queryable, outbox: Outbox, message: PartnerMessage): Promise<void> {
  const { rows } = await tx.query<{ country_code: string }>('SELECT country_code FROM orders.service_orders WHERE id = $1', [message.serviceOrderId]);
  const country = rows[0]?.country_code;
  if (!country) return;
  await outbox.add(
    notifyPartnerMessageRequested,
    {
      requestId: randomUUID(),
      channel: 'sms',
      recipient: { kind: message.technicianId ? 'technician' : 'provider', providerId: message.providerId, technicianId: message.technicianId ?? null },
      serviceOrderId: message.serviceOrderId,
      templateId: message.templateId,
      locale: localeOfCountry(country),
      parameters: message.parameters,
    },
    { subject: message.serviceOrderId },
  );
}
