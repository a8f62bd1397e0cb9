import { describe, expect, it } from 'vitest';
import { at, startFieldVisitsHarness, uniqueMonday } from './testing';

const { call, bookedAppointment } = await startFieldVisitsHarness();
const dateOf = (d: Date) => d.toISOString().slice(0, 10);

describe('field-visits GET /day', () => {
  it('when the technician asks for a day, then they get their appointments in order, with address, products and notes', async () => {
    const day = uniqueMonday();
    const later = await bookedAppointment(at(day, 13), { fixture: 'tempo-created-pl' });
    const first = await bookedAppointment(at(day, 8));
    const answer = await call('GET', `/day?date=${dateOf(day)}`, 'technician');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ date: dateOf(day), timeZone: 'Europe/Madrid' });
    expect(answer.body.appointments).toEqual([
      expect.objectContaining({
        appointmentId: first.id,
        serviceOrderId: first.orderId,
        status: 'booked',
        startsAt: at(day, 8).toISOString(),
        endsAt: at(day, 10).toISOString(),
        address: {
          street: expect.stringMatching(/^Calle de Alcalá 123, 4º B/) as unknown,
          postalCode: '28009',
          city: 'Madrid',
          latitude: 40.4237,
          longitude: -3.6741,
        },
        products: [
          expect.objectContaining({ code: 'KITCHEN_INSTALL_STD', quantity: 1, durationHours: 16 }),
          expect.objectContaining({ code: 'WORKTOP_INSTALL', quantity: 1, durationHours: 3 }),
        ],
        notes: 'Portero automático 4B. Aparcamiento difícil.',
        visit: null,
      }),
      expect.objectContaining({
        appointmentId: later.id,
        address: expect.objectContaining({ postalCode: '00-514', city: 'Warszawa', latitude: null, longitude: null }) as unknown,
        products: [expect.objectContaining({ code: 'INTERIOR_DOOR_INSTALL', quantity: 3 })],
      }),
    ]);
  });

  it('when another technician asks for the same day, then they see none of these appointments; the next day is empty', async () => {
    const day = uniqueMonday();
    await bookedAppointment(at(day, 8));
    expect(await call('GET', `/day?date=${dateOf(day)}`, 'technician-b')).toMatchObject({ status: 200, body: { appointments: [] } });
    const next = new Date(day.getTime() + 86_400_000);
    expect(await call('GET', `/day?date=${dateOf(next)}`, 'technician')).toMatchObject({ status: 200, body: { appointments: [] } });
  });

  it('when the date is not YYYY-MM-DD, then 400 naming it; a provider admin gets 403', async () => {
    const answer = await call('GET', '/day?date=04/03/2030', 'technician');
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([expect.objectContaining({ field: 'query.date' })]);
    expect((await call('GET', '/day?date=2030-03-04', 'provider-admin')).status).toBe(403);
  });
});
