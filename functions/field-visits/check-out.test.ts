import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { requestedMessages } from '../../test/support/tv';
import { at, SIGNATURE, startFieldVisitsHarness, uniqueMonday } from './testing';

const { db, call, bookedAppointment, eventsOf, setNow } = await startFieldVisitsHarness();
afterEach(() => setNow(undefined));

const home = { lat: 40.4237, lon: -3.6741 };
const checkOutBody = {
  workSummary: 'Kitchen fitted; worktop cut on site.',
  materials: [
    { code: 'SIL-100', description: 'Sanitary silicone', quantity: 2, unit: 'pcs' },
    { code: 'CABLE-2.5', quantity: 3.5, unit: 'm' },
  ],
  photoRefs: ['photos/2030/ab12.jpg', 'photos/2030/ab13.jpg'],
  signaturePng: SIGNATURE,
};
const visitOf = async (id: string) =>
  (await db.query('SELECT * FROM field.visits WHERE appointment_id = $1', [id])).rows[0] as Record<string, unknown> | undefined;
/** The customer messages asked for by the check-out (the booking's own are written straight in these tests: none). */
const customerMessages = async (orderId: string) => (await eventsOf(orderId, 'ahs.notify.message.requested')).map((e) => e.data);
const statusOf = async (id: string) => (await db.query<{ status: string }>('SELECT status FROM field.appointments WHERE id = $1', [id])).rows[0]?.status;

async function slot() {
  const startsAt = at(uniqueMonday(), 8);
  setNow(new Date(startsAt.getTime() + 3 * 3_600_000));
  return { ...(await bookedAppointment(startsAt)), startsAt };
}
async function checkedIn() {
  const a = await slot();
  expect((await call('POST', `/appointments/${a.id}/check-in`, 'technician', { ...home, at: a.startsAt.toISOString() })).status).toBe(200);
  return a;
}

describe('field-visits POST /appointments/:id/check-out', () => {
  it('when the technician checks out before checking in, then 409 not-checked-in and nothing changes', async () => {
    const a = await slot();
    expect(await call('POST', `/appointments/${a.id}/check-out`, 'technician', checkOutBody)).toMatchObject({
      status: 409,
      body: { reason: 'not-checked-in' },
    });
    expect(await statusOf(a.id)).toBe('booked');
    expect(await eventsOf(a.orderId, 'ahs.field.visit.checked-out')).toEqual([]);
    expect(await requestedMessages(db, a.orderId)).toEqual([]);
  });

  it("when the technician checks out after checking in, then the visit is done and announced with the signature's size and SHA-256 only", async () => {
    const a = await checkedIn();
    const answer = await call('POST', `/appointments/${a.id}/check-out`, 'technician', checkOutBody);
    const png = Buffer.from(SIGNATURE.split(',')[1]!, 'base64');
    const signature = { bytes: png.length, sha256: createHash('sha256').update(png).digest('hex') };
    expect(answer).toMatchObject({ status: 200, body: { status: 'done', signature, photoRefs: checkOutBody.photoRefs } });
    expect(await statusOf(a.id)).toBe('done');
    expect(await visitOf(a.id)).toMatchObject({
      work_summary: checkOutBody.workSummary,
      signature_png: SIGNATURE,
      signature_bytes: png.length,
      signature_sha256: signature.sha256,
      materials: [
        { code: 'SIL-100', description: 'Sanitary silicone', quantity: 2, unit: 'pcs' },
        { code: 'CABLE-2.5', description: null, quantity: 3.5, unit: 'm' },
      ],
      checked_out_by: 'tech-0001',
    });
    const events = await eventsOf(a.orderId, 'ahs.field.visit.checked-out');
    expect(events).toEqual([
      expect.objectContaining({ partition_key: a.orderId, data: expect.objectContaining({ appointmentId: a.id, signature }) as unknown }),
    ]);
    expect(JSON.stringify(events)).not.toContain(SIGNATURE.split(',')[1]!.slice(0, 20));
    expect(JSON.stringify(events)).not.toContain(checkOutBody.workSummary);
    // The order is worked: its dispatch funnel is told to settle the assignment.
    expect(await requestedMessages(db, a.orderId)).toEqual([
      { name: 'dispatch-order-closed', correlationKey: a.orderId, messageId: `order-worked:${a.orderId}`, variables: { closure: 'worked' } },
    ]);
  });

  it("when the technician checks out with the work complete (the default), then field.work.completed asks for the WCF and the customer is told the form follows; a multi-day job's earlier day (workComplete false) does neither", async () => {
    const first = await checkedIn();
    await call('POST', `/appointments/${first.id}/check-out`, 'technician', { ...checkOutBody, workComplete: false });
    expect(await eventsOf(first.orderId, 'ahs.field.work.completed')).toEqual([]);
    expect(await customerMessages(first.orderId)).toEqual([]);
    const last = await checkedIn();
    const answer = await call('POST', `/appointments/${last.id}/check-out`, 'technician', checkOutBody);
    expect(answer).toMatchObject({ status: 200, body: { workComplete: true } });
    expect(await eventsOf(last.orderId, 'ahs.field.work.completed')).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ appointmentId: last.id, serviceOrderId: last.orderId, completedAt: expect.any(String) }) as unknown,
      }),
    ]);
    const { rows } = await db.query<{ sales_order_id: string }>('SELECT sales_order_id FROM orders.service_orders WHERE id = $1', [last.orderId]);
    expect(await customerMessages(last.orderId)).toEqual([
      expect.objectContaining({
        templateId: 'field.work-completed',
        recipient: { kind: 'customer', customerId: last.customerId, serviceOrderId: last.orderId },
        locale: 'es',
        parameters: { orderReference: rows[0]?.sales_order_id },
      }),
    ]);
  });

  it('when workComplete is not a boolean, then 400 names it and nothing changes', async () => {
    const a = await checkedIn();
    const answer = await call('POST', `/appointments/${a.id}/check-out`, 'technician', { ...checkOutBody, workComplete: 'yes' });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('workComplete');
    expect(await statusOf(a.id)).toBe('checked-in');
  });

  it('when the offline app sends the check-out twice with one Idempotency-Key, then one check-out, one event, the first answer twice; another key gets 409 already-checked-out', async () => {
    const a = await checkedIn();
    const first = await call('POST', `/appointments/${a.id}/check-out`, 'technician', checkOutBody, `out-${a.id}`);
    const retry = await call('POST', `/appointments/${a.id}/check-out`, 'technician', checkOutBody, `out-${a.id}`);
    expect(first.status).toBe(200);
    expect(retry).toEqual({ ...first, replayed: true });
    expect(await eventsOf(a.orderId, 'ahs.field.visit.checked-out')).toHaveLength(1);
    expect(await call('POST', `/appointments/${a.id}/check-out`, 'technician', checkOutBody)).toMatchObject({
      status: 409,
      body: { reason: 'already-checked-out' },
    });
  });

  it.each([
    ['a JPEG as the signature', { signaturePng: 'data:image/jpeg;base64,/9j/4AAQSkZJRg==' }, 'signaturePng'],
    ['base64 that is not a PNG', { signaturePng: `data:image/png;base64,${Buffer.from('GIF89a-not-a-png').toString('base64')}` }, 'signaturePng'],
    [
      'a signature over 200 KiB',
      {
        signaturePng: `data:image/png;base64,${Buffer.concat([Buffer.from(SIGNATURE.split(',')[1]!, 'base64'), Buffer.alloc(205 * 1024)]).toString('base64')}`,
      },
      'signaturePng',
    ],
    ['an empty work summary', { workSummary: '  ' }, 'workSummary'],
    ['21 photos', { photoRefs: Array.from({ length: 21 }, (_, i) => `p/${i}.jpg`) }, 'photoRefs'],
    ['a material without unit', { materials: [{ code: 'X', quantity: 1 }] }, 'materials.0.unit'],
  ])('when the body has %s, then 400 naming the field and nothing changes', async (_case, change, field) => {
    const a = await checkedIn();
    const answer = await call('POST', `/appointments/${a.id}/check-out`, 'technician', { ...checkOutBody, ...change });
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_input' } });
    expect(answer.body.issues).toEqual([expect.objectContaining({ field })]);
    expect(await statusOf(a.id)).toBe('checked-in');
  });

  it('when a technician of another provider checks out this appointment, then 404 and nothing changes', async () => {
    const a = await checkedIn();
    expect((await call('POST', `/appointments/${a.id}/check-out`, 'technician-b', checkOutBody)).status).toBe(404);
    expect(await statusOf(a.id)).toBe('checked-in');
  });
});
