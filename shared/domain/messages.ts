import { randomUUID } from 'node:crypto';
import { notifyMessageRequested } from '../../events/notify/message';
import { notifyPartnerMessageRequested } from '../../events/notify/partner-message';
import type { Outbox } from '../outbox/outbox';
import { localeOfCountry } from './locale';

export interface PartnerMessage {
  serviceOrderId: string;
  /** The order's country: the message's locale. */
  countryCode: string;
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
export async function informPartner(outbox: Outbox, message: PartnerMessage): Promise<void> {
  await outbox.add(
    notifyPartnerMessageRequested,
    {
      requestId: randomUUID(),
      channel: 'sms',
      recipient: { kind: message.technicianId ? 'technician' : 'provider', providerId: message.providerId, technicianId: message.technicianId ?? null },
      serviceOrderId: message.serviceOrderId,
      templateId: message.templateId,
      locale: localeOfCountry(message.countryCode),
      parameters: message.parameters,
    },
    { subject: message.serviceOrderId },
  );
}

export interface CustomerMessage {
  serviceOrderId: string;
  customerId: string;
  /** The customer gave an email address: email, else SMS. */
  hasEmail: boolean;
  /** The order's country: the message's locale. */
  countryCode: string;
  templateId: string;
  parameters: Record<string, string | number | boolean>;
}

/** Asks for a message to the customer of an order (by reference, no PII), in the caller's transaction (outbox). */
export async function informCustomer(outbox: Outbox, message: CustomerMessage): Promise<void> {
  await outbox.add(
    notifyMessageRequested,
    {
      requestId: randomUUID(),
      channel: message.hasEmail ? 'email' : 'sms',
      recipient: { kind: 'customer', customerId: message.customerId, serviceOrderId: message.serviceOrderId },
      templateId: message.templateId,
      locale: localeOfCountry(message.countryCode),
      parameters: message.parameters,
    },
    { subject: message.serviceOrderId },
  );
}
