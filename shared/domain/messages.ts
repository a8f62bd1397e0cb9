import { randomUUID } from 'node:crypto';
import { notifyMessageRequested } from '../../events/notify/message';
import { notifyPartnerMessageRequested } from '../../events/notify/partner-message';
import { notifyScheduledMessageCancelled } from '../../events/notify/scheduled-cancelled';
import { isTemplateId, templateCatalog, type Audience } from '../notify/catalog';
import { parametersSchema } from '../notify/parameters';
import type { Outbox } from '../outbox/outbox';
import { localeOfCountry } from './locale';

/**
 * A request must match its template's declaration (shared/notify/catalog.ts): a known id for this
 * audience, with exactly the parameters its texts may name. Anything else is a bug of the caller,
 * refused before it is written (the message would be dead-lettered unrendered otherwise).
 */
function checkRequest(templateId: string, audience: Audience, parameters: Record<string, unknown>): void {
  if (!isTemplateId(templateId)) throw new Error(`message template ${templateId} is not declared in shared/notify/catalog.ts`);
  const declared = templateCatalog[templateId].audience;
  if (declared !== audience) throw new Error(`message template ${templateId} is for the ${declared}, not the ${audience}`);
  const parsed = parametersSchema(templateId).safeParse(parameters);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(parameters)'}: ${i.message}`).join('; ');
    throw new Error(`message template ${templateId}: parameters do not match its declaration (${issues})`);
  }
}

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
  checkRequest(message.templateId, message.technicianId ? 'technician' : 'provider', message.parameters);
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
  /**
   * A message for later: sent at `sendAt` unless a newer request with the same `collapseKey`
   * replaces it first, or withdrawScheduledMessage withdraws it. Absent: sent now.
   */
  schedule?: { sendAt: Date | string; collapseKey: string };
}

/**
 * Asks for a message to the customer of an order (by reference, no PII), in the caller's
 * transaction (outbox); with `schedule`, for the time given.
 */
export async function informCustomer(outbox: Outbox, message: CustomerMessage): Promise<void> {
  checkRequest(message.templateId, 'customer', message.parameters);
  const schedule = message.schedule && {
    sendAt: new Date(message.schedule.sendAt).toISOString(),
    collapseKey: message.schedule.collapseKey,
  };
  await outbox.add(
    notifyMessageRequested,
    {
      requestId: randomUUID(),
      channel: message.hasEmail ? 'email' : 'sms',
      recipient: { kind: 'customer', customerId: message.customerId, serviceOrderId: message.serviceOrderId },
      templateId: message.templateId,
      locale: localeOfCountry(message.countryCode),
      parameters: message.parameters,
      ...(schedule ? { schedule } : {}),
    },
    { subject: message.serviceOrderId },
  );
}

export interface ScheduledMessageWithdrawal {
  /** The `schedule.collapseKey` the message was asked for with. */
  collapseKey: string;
  serviceOrderId: string;
  /** Why it is no longer wanted, e.g. the appointment's cancellation reason. */
  reason: string;
}

/**
 * Withdraws a scheduled customer message not sent yet (notify.scheduled-message.cancelled), in
 * the caller's transaction (outbox). One already sent stays sent; none asked for is no error.
 */
export async function withdrawScheduledMessage(outbox: Outbox, withdrawal: ScheduledMessageWithdrawal): Promise<void> {
  const { collapseKey, serviceOrderId, reason } = withdrawal;
  await outbox.add(notifyScheduledMessageCancelled, { collapseKey, serviceOrderId, reason }, { subject: serviceOrderId });
}
