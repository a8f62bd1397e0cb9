import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildEvent } from '../cloudevents/build';
import type { Outbox } from '../outbox/outbox';
import { informCustomer, withdrawScheduledMessage } from './messages';

/** An outbox that builds each event as the real one does (its contract checked) and keeps it. */
function memoryOutbox() {
  const added: { type: string; subject: string | undefined; data: Record<string, unknown> }[] = [];
  const outbox: Outbox = {
    add(definition, data, extra) {
      const event = buildEvent(definition, data, { source: '/test', subject: extra?.subject });
      added.push({ type: event.type, subject: extra?.subject, data: event.data as Record<string, unknown> });
      return Promise.resolve(event.id);
    },
  };
  return { outbox, added };
}

const order = { serviceOrderId: randomUUID(), customerId: randomUUID(), hasEmail: false, countryCode: 'PL' };
const reminder = {
  ...order,
  templateId: 'field.appointment-reminder',
  parameters: { orderReference: 'T-1', startsAt: '2031-01-15T07:00:00.000Z', endsAt: '2031-01-15T09:00:00.000Z', timeZone: 'Europe/Warsaw' },
};

describe('informCustomer and withdrawScheduledMessage (shared/domain/messages.ts)', () => {
  it('when a message is asked for later, then the request carries its schedule (sendAt as an ISO instant, collapse key)', async () => {
    const { outbox, added } = memoryOutbox();
    await informCustomer(outbox, { ...reminder, schedule: { sendAt: new Date('2031-01-14T17:00:00Z'), collapseKey: 'appointment-reminder:x' } });
    await informCustomer(outbox, { ...reminder, schedule: { sendAt: '2031-01-14T18:00:00+01:00', collapseKey: 'appointment-reminder:x' } });
    expect(added.map((e) => [e.type, e.subject, e.data.schedule, e.data.channel, e.data.locale])).toEqual([
      ['ahs.notify.message.requested', order.serviceOrderId, { sendAt: '2031-01-14T17:00:00.000Z', collapseKey: 'appointment-reminder:x' }, 'sms', 'pl'],
      ['ahs.notify.message.requested', order.serviceOrderId, { sendAt: '2031-01-14T17:00:00.000Z', collapseKey: 'appointment-reminder:x' }, 'sms', 'pl'],
    ]);
  });

  it('when a message is asked for now, then the request has no schedule', async () => {
    const { outbox, added } = memoryOutbox();
    await informCustomer(outbox, reminder);
    expect(added[0]?.data).not.toHaveProperty('schedule');
  });

  it('when a request does not match its declaration, then it is refused before anything is written, scheduled or not', async () => {
    const { outbox, added } = memoryOutbox();
    const schedule = { sendAt: new Date('2031-01-14T17:00:00Z'), collapseKey: 'k' };
    await expect(informCustomer(outbox, { ...reminder, templateId: 'field.nothing', schedule })).rejects.toThrow('is not declared');
    await expect(informCustomer(outbox, { ...reminder, parameters: { orderReference: 'T-1' }, schedule })).rejects.toThrow('do not match its declaration');
    await expect(informCustomer(outbox, { ...reminder, templateId: 'dispatch.offer-withdrawn', schedule })).rejects.toThrow('is for the provider');
    expect(added).toEqual([]);
  });

  it('when a scheduled message is withdrawn, then notify.scheduled-message.cancelled names its collapse key, keyed by the order', async () => {
    const { outbox, added } = memoryOutbox();
    await withdrawScheduledMessage(outbox, { collapseKey: 'appointment-reminder:x', serviceOrderId: order.serviceOrderId, reason: 'order-cancelled' });
    expect(added).toEqual([
      {
        type: 'ahs.notify.scheduled-message.cancelled',
        subject: order.serviceOrderId,
        data: { collapseKey: 'appointment-reminder:x', serviceOrderId: order.serviceOrderId, reason: 'order-cancelled' },
      },
    ]);
  });
});
