import { describe, expect, it } from 'vitest';
import { serviceOrderClosed } from '../../events';
import { seedForm, seedRework } from '../../test/support/wcf';
import { verifyCustomerLink } from '../../shared/domain/customer-link';
import { CLAIM_LINK, startOutcomesHarness, SURVEY_LINK } from './testing';

const h = await startOutcomesHarness();
const { db } = h;

// 23:30 UTC on 1 March is 2 March in Madrid: the acceptance date is the country's calendar day.
const SIGNED = new Date('2027-03-01T23:30:00Z');

const closedAt = async (orderId: string) =>
  (await db.query<{ closed_at: Date | null }>('SELECT closed_at FROM orders.service_orders WHERE id = $1', [orderId])).rows[0]?.closed_at;
const warrantiesOf = async (orderId: string) =>
  (
    await db.query<{ code: string; starts_on: string; ends_on: string; form_id: string }>(
      `SELECT code, to_char(starts_on, 'YYYY-MM-DD') AS starts_on, to_char(ends_on, 'YYYY-MM-DD') AS ends_on, form_id
         FROM wcf.warranties WHERE service_order_id = $1 ORDER BY ends_on, code`,
      [orderId],
    )
  ).rows;

describe('wcf-outcomes: wcf-accept', () => {
  it('when the customer accepted the work, then the warranties start on the signature day in Madrid and the order is closed, announced and told once', async () => {
    const { order, formId, processInstanceKey } = await h.closingForm({ signedAt: SIGNED });
    const accept = () => h.run('wcf-accept', { orderId: order.id, formId, answer: 'accepted', country: 'ES' }, processInstanceKey);
    const first = await accept();
    expect(first).toEqual({ status: 200, body: { variables: { acceptedOn: '2027-03-02' } } });
    expect(await accept()).toEqual(first);

    expect(await closedAt(order.id)).toEqual(SIGNED);
    const warranties = await warrantiesOf(order.id);
    expect(warranties).toContainEqual({ code: 'acabado', starts_on: '2027-03-02', ends_on: '2028-03-02', form_id: formId });
    const closed = await h.eventsOf(order.id, serviceOrderClosed.type);
    expect(closed.map((e) => e.data)).toEqual([
      {
        serviceOrderId: order.id,
        formId,
        acceptedOn: '2027-03-02',
        closedAt: SIGNED.toISOString(),
        warranties: warranties.map((w) => ({ code: w.code, endsOn: w.ends_on })),
      },
    ]);
    const messages = await h.messagesOf(order.id);
    expect(messages).toEqual([
      [
        'wcf.work-accepted',
        {
          orderReference: order.salesOrderId,
          warrantyCount: warranties.length,
          lastWarrantyEndsOn: warranties.at(-1)!.ends_on,
          claimUrl: expect.stringMatching(/^https:\/\/ahs\.example\/claims\/link\/[^/]+$/) as unknown,
        },
      ],
      [
        'orders.satisfaction-survey',
        { orderReference: order.salesOrderId, surveyUrl: expect.stringMatching(/^https:\/\/ahs\.example\/customer-surveys\/[^/]+$/) as unknown },
      ],
    ]);
    // The claim link: for this order, for a claim, working for Spain's 365 days from the closing.
    const token = String((messages[0]![1] as { claimUrl: string }).claimUrl.split('/').at(-1));
    const link = verifyCustomerLink(CLAIM_LINK.secret, token, 'claim', SIGNED);
    expect(link).toMatchObject({ purpose: 'claim', serviceOrderId: order.id, expiresAt: new Date(SIGNED.getTime() + 365 * 86_400_000) });
    expect(() => verifyCustomerLink(CLAIM_LINK.secret, token, 'wcf-answer', SIGNED)).toThrow();
    // The survey link: for this order, for the survey only (not a claim), open 30 days from the closing.
    const surveyToken = String((messages[1]![1] as { surveyUrl: string }).surveyUrl.split('/').at(-1));
    expect(verifyCustomerLink(SURVEY_LINK.secret, surveyToken, 'survey', SIGNED)).toEqual({
      purpose: 'survey',
      subjectId: order.id,
      serviceOrderId: order.id,
      expiresAt: new Date(SIGNED.getTime() + 30 * 86_400_000),
    });
    expect(() => verifyCustomerLink(SURVEY_LINK.secret, surveyToken, 'claim', SIGNED)).toThrow();
    expect(() => verifyCustomerLink(SURVEY_LINK.secret, surveyToken, 'survey', new Date(SIGNED.getTime() + 31 * 86_400_000))).toThrow();
  });

  it("when the customer accepts a claim's repair, then the order closes without a claim link (defects are claimed on the installation) nor a survey", async () => {
    const origin = await h.closingForm({ signedAt: SIGNED });
    const { order, formId, processInstanceKey } = await h.closingForm({ signedAt: SIGNED });
    await db.query(`UPDATE orders.service_orders SET kind = 'repair', origin_order_id = $2 WHERE id = $1`, [order.id, origin.order.id]);
    expect((await h.run('wcf-accept', { orderId: order.id, formId, answer: 'accepted' }, processInstanceKey)).status).toBe(200);
    const [accepted] = await h.messagesOf(order.id);
    expect(accepted?.[0]).toBe('wcf.work-accepted');
    expect(accepted?.[1]).not.toHaveProperty('claimUrl');
    expect((await h.messagesOf(order.id)).map(([template]) => template)).toEqual(['wcf.work-accepted']);
  });

  it('when the customer accepted with reserves, then the warranties start but the order stays open, and the customer is told of the reserves once', async () => {
    const { order, formId, processInstanceKey } = await h.closingForm({ form: { status: 'signed', answer: 'accepted-with-reserves' }, signedAt: SIGNED });
    await h.addReserves(order.id, formId, 2);
    const accept = () => h.run('wcf-accept', { orderId: order.id, formId, answer: 'accepted-with-reserves' }, processInstanceKey);
    expect((await accept()).body).toEqual({ variables: { acceptedOn: '2027-03-02' } });
    expect((await accept()).body).toEqual({ variables: { acceptedOn: '2027-03-02' } });
    expect(await closedAt(order.id)).toBeNull();
    expect((await warrantiesOf(order.id)).length).toBeGreaterThan(0);
    expect(await h.eventsOf(order.id, serviceOrderClosed.type)).toEqual([]);
    expect(await h.messagesOf(order.id)).toEqual([['wcf.reserves-recorded', { orderReference: order.salesOrderId, reserveCount: 2 }]]);
  });

  it('when the closing form is not signed, then the job is an incident (400) and nothing starts', async () => {
    const { order, formId, processInstanceKey } = await h.closingForm({ form: { status: 'out-for-signature', answer: 'accepted' } });
    expect(await h.run('wcf-accept', { orderId: order.id, formId, answer: 'accepted' }, processInstanceKey)).toMatchObject({
      status: 400,
      body: { code: 'form-not-signed' },
    });
    expect(await warrantiesOf(order.id)).toEqual([]);
    expect(await closedAt(order.id)).toBeNull();
  });

  it('when the answer on the form is not the one the job carries, then an incident (400)', async () => {
    const { order, formId, processInstanceKey } = await h.closingForm({ form: { status: 'signed', answer: 'accepted-with-reserves' }, signedAt: SIGNED });
    expect(await h.run('wcf-accept', { orderId: order.id, formId, answer: 'accepted' }, processInstanceKey)).toMatchObject({
      status: 400,
      body: { code: 'answer-mismatch' },
    });
  });
});

describe('wcf-outcomes: wcf-close', () => {
  async function liftedAfterRejection() {
    const { order, formId: closingId, processInstanceKey } = await h.closingForm({ form: { status: 'signed', answer: 'rejected' }, signedAt: SIGNED });
    const round = await seedRework(db, order.id, closingId, { reserves: 2 });
    await h.liftRound(round.id);
    const liftingId = await seedForm(db, order.id, { kind: 'lifting', reworkId: round.id, status: 'signed', answer: 'accepted' });
    return { order, round, liftingId, processInstanceKey };
  }

  it('when the lifting form is signed after a rejection, then the reserves and the round are confirmed, the warranties start on that day and the order is closed once', async () => {
    const { order, round, liftingId, processInstanceKey } = await liftedAfterRejection();
    const liftingSigned = new Date('2027-04-03T10:00:00Z');
    await db.query('UPDATE wcf.forms SET signed_at = $2 WHERE id = $1', [liftingId, liftingSigned]);
    const close = () => h.run('wcf-close', { orderId: order.id, formId: liftingId, reworkId: round.id }, processInstanceKey);
    const first = await close();
    expect(first).toEqual({ status: 200, body: { variables: { acceptedOn: '2027-04-03' } } });
    expect(await close()).toEqual(first);

    const { rows: reserves } = await db.query('SELECT status, confirmed_at FROM wcf.reserves WHERE rework_id = $1', [round.id]);
    expect(reserves).toEqual([
      { status: 'confirmed', confirmed_at: liftingSigned },
      { status: 'confirmed', confirmed_at: liftingSigned },
    ]);
    const { rows: rounds } = await db.query('SELECT status FROM wcf.reworks WHERE id = $1', [round.id]);
    expect(rounds).toEqual([{ status: 'confirmed' }]);
    expect((await warrantiesOf(order.id)).every((w) => w.starts_on === '2027-04-03' && w.form_id === liftingId)).toBe(true);
    expect(await closedAt(order.id)).toEqual(liftingSigned);
    const closed = await h.eventsOf(order.id, serviceOrderClosed.type);
    expect(closed.map((e) => [e.data.formId, e.data.acceptedOn])).toEqual([[liftingId, '2027-04-03']]);
    expect((await h.messagesOf(order.id)).map(([template]) => template)).toEqual(['wcf.work-accepted', 'orders.satisfaction-survey']);
  });

  it('when reserves were accepted, redone and lifted, then the order closes on the lifting signature with the warranties of the first acceptance', async () => {
    const { order, formId, processInstanceKey } = await h.closingForm({ form: { status: 'signed', answer: 'accepted-with-reserves' }, signedAt: SIGNED });
    await h.addReserves(order.id, formId, 2);
    expect((await h.run('wcf-accept', { orderId: order.id, formId, answer: 'accepted-with-reserves' }, processInstanceKey)).status).toBe(200);
    const requested = await h.run('wcf-request-rework', { orderId: order.id, formId }, processInstanceKey);
    const { reworkId } = (requested.body as { variables: { reworkId: string } }).variables;
    await h.liftRound(reworkId);
    const liftingId = await seedForm(db, order.id, { kind: 'lifting', reworkId, status: 'signed', answer: 'accepted' });
    const liftingSigned = new Date('2027-04-03T10:00:00Z');
    await db.query('UPDATE wcf.forms SET signed_at = $2 WHERE id = $1', [liftingId, liftingSigned]);
    const closed = await h.run('wcf-close', { orderId: order.id, formId: liftingId, reworkId }, processInstanceKey);
    expect(closed).toEqual({ status: 200, body: { variables: { acceptedOn: '2027-03-02' } } });
    expect(await closedAt(order.id)).toEqual(liftingSigned);
    expect((await warrantiesOf(order.id)).every((w) => w.starts_on === '2027-03-02' && w.form_id === formId)).toBe(true);
    const events = await h.eventsOf(order.id, serviceOrderClosed.type);
    expect(events.map((e) => [e.data.formId, e.data.acceptedOn, e.data.closedAt])).toEqual([[liftingId, '2027-03-02', liftingSigned.toISOString()]]);
    expect((await h.messagesOf(order.id)).map(([template]) => template)).toEqual([
      'wcf.reserves-recorded',
      'wcf.rework-requested',
      'wcf.rework-planned',
      'wcf.work-accepted',
      'orders.satisfaction-survey',
    ]);
  });

  it('when the lifting form is not signed yet, then an incident (400) and the round stays lifted', async () => {
    const { order, round, liftingId, processInstanceKey } = await liftedAfterRejection();
    await db.query(`UPDATE wcf.forms SET status = 'out-for-signature' WHERE id = $1`, [liftingId]);
    expect(await h.run('wcf-close', { orderId: order.id, formId: liftingId, reworkId: round.id }, processInstanceKey)).toMatchObject({
      status: 400,
      body: { code: 'form-not-signed' },
    });
    expect((await db.query('SELECT status FROM wcf.reworks WHERE id = $1', [round.id])).rows).toEqual([{ status: 'lifted' }]);
    expect(await closedAt(order.id)).toBeNull();
  });
});
