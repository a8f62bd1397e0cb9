import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { agreementDeclined, agreementExpired, agreementSigned, esignNotificationReceived } from '../../events';
import { adobeSignFromConfig } from '../../shared/esign';
import { FakeAdobeSign } from '../../shared/esign/testing';
import { useTestDb } from '../../test/support/db';
import { cloudEvent, postEvent, startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import { requestedMessages, useOrderSeller } from '../../test/support/tv';
import { esignNotificationsFunction } from './function';

const db = useTestDb();
const adobe = await FakeAdobeSign.start();
afterAll(() => adobe.close());
const esign = adobeSignFromConfig({
  ADOBE_SIGN_CLIENT_ID: 'fake-client-id',
  ADOBE_SIGN_CLIENT_SECRET: 'fake-client-secret',
  ADOBE_SIGN_REFRESH_TOKEN: 'fake-refresh-token',
  ADOBE_SIGN_API_HOST: adobe.url,
  ADOBE_SIGN_TIMEOUT_MS: 5000,
});
const logger = memoryLogger();
const sell = await useOrderSeller(db);
const url = await startFunction('esign-notifications', esignNotificationsFunction({ db, logger, esign }));

/** An agreement sent for signature: known to Adobe (the fake) with `adobeStatus`, and recorded in contracts.agreements. */
async function sentAgreement(adobeStatus = 'OUT_FOR_SIGNATURE') {
  const agreementId = `CBJCHBCAABAA${randomUUID().replace(/-/g, '')}`;
  const contractKey = randomUUID();
  const serviceOrderId = randomUUID();
  adobe.agreements.set(agreementId, { id: agreementId, body: { name: 'Contrato de servicio', externalId: { id: contractKey } }, status: adobeStatus });
  await db.query('INSERT INTO contracts.agreements (agreement_id, contract_key, service_order_id) VALUES ($1, $2, $3)', [
    agreementId,
    contractKey,
    serviceOrderId,
  ]);
  return { agreementId, contractKey, serviceOrderId };
}

const deliver = (agreementId: string | null, event: string, options: { id?: string; webhookNotificationId?: string } = {}) =>
  postEvent(
    url,
    cloudEvent({
      type: esignNotificationReceived.type,
      source: '/functions/esign-webhooks',
      id: options.id ?? randomUUID(),
      data: { webhookNotificationId: options.webhookNotificationId ?? randomUUID(), agreementId, event, eventDate: '2026-12-05T10:15:30Z' },
    }),
  );

async function state(agreementId: string) {
  const { rows } = await db.query<{ status: string }>('SELECT status FROM contracts.agreements WHERE agreement_id = $1', [agreementId]);
  const events = await db.query<{ topic: string }>(
    `SELECT topic FROM platform.outbox WHERE data->>'agreementId' = $1 AND topic LIKE 'contracts.agreement.%' ORDER BY id`,
    [agreementId],
  );
  return { status: rows[0]?.status, events: events.rows.map((r) => r.topic) };
}
const reads = (agreementId: string) => adobe.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/agreements/${agreementId}`)).length;

describe('esign-notifications', () => {
  it('when the workflow completed, then the agreement is read back from Adobe, recorded SIGNED and contracts.agreement.signed is emitted with the contract key', async () => {
    const a = await sentAgreement('SIGNED');
    expect(await deliver(a.agreementId, 'AGREEMENT_WORKFLOW_COMPLETED')).toMatchObject({ status: 200, body: { result: 'applied' } });
    expect(reads(a.agreementId)).toBe(1);
    expect(await state(a.agreementId)).toEqual({ status: 'SIGNED', events: [agreementSigned.topic] });
    const { rows } = await db.query<{ data: unknown }>('SELECT data FROM platform.outbox WHERE topic = $1 AND data->>$2 = $3', [
      agreementSigned.topic,
      'agreementId',
      a.agreementId,
    ]);
    expect(rows[0]?.data).toEqual({ ...a, occurredAt: '2026-12-05T10:15:30Z' });
  });

  it('when a completion arrives before an action event or after it, then both orders end SIGNED with one event, and the late action reads nothing', async () => {
    const inOrder = await sentAgreement('SIGNED');
    await deliver(inOrder.agreementId, 'AGREEMENT_ACTION_COMPLETED');
    await deliver(inOrder.agreementId, 'AGREEMENT_WORKFLOW_COMPLETED');
    const reordered = await sentAgreement('SIGNED');
    await deliver(reordered.agreementId, 'AGREEMENT_WORKFLOW_COMPLETED');
    expect(await deliver(reordered.agreementId, 'AGREEMENT_ACTION_COMPLETED')).toMatchObject({
      status: 200,
      body: { result: 'ignored', reason: 'agreement already SIGNED' },
    });
    expect(await state(reordered.agreementId)).toEqual(await state(inOrder.agreementId));
    expect(await state(reordered.agreementId)).toEqual({ status: 'SIGNED', events: [agreementSigned.topic] });
    expect(reads(reordered.agreementId)).toBe(1);
  });

  it('when a notification says completed but Adobe still has the agreement out for signature, then nothing changes', async () => {
    const a = await sentAgreement('OUT_FOR_SIGNATURE');
    expect((await deliver(a.agreementId, 'AGREEMENT_WORKFLOW_COMPLETED')).body).toEqual({
      result: 'ignored',
      reason: 'agreement is OUT_FOR_SIGNATURE at Adobe',
    });
    expect(await state(a.agreementId)).toEqual({ status: 'OUT_FOR_SIGNATURE', events: [] });
  });

  it('when the signer declines, then DECLINED and contracts.agreement.declined, and a later expiry or completion changes nothing', async () => {
    const a = await sentAgreement('CANCELLED');
    await deliver(a.agreementId, 'AGREEMENT_REJECTED');
    adobe.setStatus(a.agreementId, 'EXPIRED');
    expect((await deliver(a.agreementId, 'AGREEMENT_EXPIRED')).body).toMatchObject({ result: 'ignored' });
    expect((await deliver(a.agreementId, 'AGREEMENT_WORKFLOW_COMPLETED')).body).toMatchObject({ result: 'ignored' });
    expect(await state(a.agreementId)).toEqual({ status: 'DECLINED', events: [agreementDeclined.topic] });
  });

  it('when Adobe says CANCELLED on a notification that does not say why, then it waits for the rejection or recall', async () => {
    const a = await sentAgreement('CANCELLED');
    expect((await deliver(a.agreementId, 'AGREEMENT_EXPIRED')).body).toEqual({ result: 'ignored', reason: 'agreement is CANCELLED at Adobe' });
    await deliver(a.agreementId, 'AGREEMENT_RECALLED');
    expect(await state(a.agreementId)).toEqual({ status: 'RECALLED', events: [] });
  });

  it('when the agreement expired, then EXPIRED and contracts.agreement.expired', async () => {
    const a = await sentAgreement('EXPIRED');
    await deliver(a.agreementId, 'AGREEMENT_EXPIRED');
    expect(await state(a.agreementId)).toEqual({ status: 'EXPIRED', events: [agreementExpired.topic] });
  });

  it('when the agreement is unknown, then 2xx ignored, logged by agreement id, nothing written and Adobe not asked', async () => {
    const agreementId = `CBJCHBCAABAA-unknown-${randomUUID()}`;
    expect(await deliver(agreementId, 'AGREEMENT_WORKFLOW_COMPLETED')).toEqual({ status: 200, body: { result: 'ignored', reason: 'unknown agreement' } });
    expect(await state(agreementId)).toEqual({ status: undefined, events: [] });
    expect(reads(agreementId)).toBe(0);
    expect(logger.lines.some((l) => l.msg === 'e-signature notification for an unknown agreement' && l.agreementId === agreementId)).toBe(true);
  });

  it('when the event type is unknown or the notification is not about an agreement, then it is acknowledged and ignored', async () => {
    const a = await sentAgreement('SIGNED');
    expect((await deliver(a.agreementId, 'AGREEMENT_SOMETHING_NEW')).body).toEqual({
      result: 'ignored',
      reason: 'AGREEMENT_SOMETHING_NEW does not end the agreement',
    });
    expect((await deliver(null, 'WIDGET_CREATED')).body).toEqual({ result: 'ignored', reason: 'not about an agreement' });
    expect(await state(a.agreementId)).toEqual({ status: 'OUT_FOR_SIGNATURE', events: [] });
  });

  it('when the same event is delivered twice, then the second is a duplicate and the stored notification is marked processed once', async () => {
    const a = await sentAgreement('SIGNED');
    const webhookNotificationId = randomUUID();
    await db.query(
      `INSERT INTO contracts.esign_notifications (webhook_notification_id, agreement_id, event, event_date, payload, received_at)
       VALUES ($1, $2, 'AGREEMENT_WORKFLOW_COMPLETED', now(), '{}', now())`,
      [webhookNotificationId, a.agreementId],
    );
    const id = randomUUID();
    await deliver(a.agreementId, 'AGREEMENT_WORKFLOW_COMPLETED', { id, webhookNotificationId });
    expect((await deliver(a.agreementId, 'AGREEMENT_WORKFLOW_COMPLETED', { id, webhookNotificationId })).body).toMatchObject({ result: 'duplicate' });
    const { rows } = await db.query<{ processed_at: Date | null }>(
      'SELECT processed_at FROM contracts.esign_notifications WHERE webhook_notification_id = $1',
      [webhookNotificationId],
    );
    expect(rows[0]?.processed_at).toBeInstanceOf(Date);
    expect(await state(a.agreementId)).toEqual({ status: 'SIGNED', events: [agreementSigned.topic] });
  });

  it('when Adobe answers 429, then the delivery fails retryable (5xx) and the agreement is unchanged until the retry', async () => {
    const a = await sentAgreement('SIGNED');
    adobe.throttleNext(1);
    const failed = await deliver(a.agreementId, 'AGREEMENT_WORKFLOW_COMPLETED');
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(await state(a.agreementId)).toEqual({ status: 'OUT_FOR_SIGNATURE', events: [] });
    expect(await deliver(a.agreementId, 'AGREEMENT_WORKFLOW_COMPLETED')).toMatchObject({ status: 200, body: { result: 'applied' } });
    expect(await state(a.agreementId)).toEqual({ status: 'SIGNED', events: [agreementSigned.topic] });
  });

  it('when the agreement of a pre-service contract is declined, then the contract is declined and its workflow gets contract-agreement-settled, once', async () => {
    const order = await sell('tempo-created-pl');
    const contractId = randomUUID();
    const a = await sentAgreement('CANCELLED');
    await db.query(
      `INSERT INTO contracts.contracts (id, service_order_id, process_instance_key, status, language, currency, list_price_minor,
                                       channel_adjustment_minor, total_minor, approval_required, phone_auth, attempt, agreement_id)
       VALUES ($1, $2, $3, 'out-for-signature', 'pl', 'PLN', 104700, 7500, 112200, false, false, 1, $4)`,
      [contractId, order.id, `9${Date.now()}`, a.agreementId],
    );
    await db.query('UPDATE contracts.agreements SET contract_id = $2 WHERE agreement_id = $1', [a.agreementId, contractId]);
    expect(await deliver(a.agreementId, 'AGREEMENT_REJECTED')).toMatchObject({ status: 200, body: { result: 'applied' } });
    expect(await deliver(a.agreementId, 'AGREEMENT_REJECTED')).toMatchObject({ status: 200, body: { result: 'ignored' } });
    const { rows } = await db.query<{ status: string }>('SELECT status FROM contracts.contracts WHERE id = $1', [contractId]);
    expect(rows[0]?.status).toBe('declined');
    expect(await requestedMessages(db, contractId)).toEqual([
      {
        name: 'contract-agreement-settled',
        correlationKey: contractId,
        messageId: `contract-agreement-settled:${a.agreementId}`,
        variables: { agreementId: a.agreementId, agreementStatus: 'DECLINED' },
      },
    ]);
  });

  it('when the agreement of a Work Closing Form expires, then the form is expired and its workflow gets wcf-agreement-settled, once; a signed one leaves the form to wcf-archive', async () => {
    const order = await sell('pyxis-created');
    const expired = await sentAgreement('EXPIRED');
    const formId = randomUUID();
    await db.query(
      `INSERT INTO wcf.forms (id, service_order_id, kind, process_instance_key, status, answer, answered_at, language, attempt, agreement_id)
       VALUES ($1, $2, 'closing', $3, 'out-for-signature', 'accepted', NOW(), 'es', 1, $4)`,
      [formId, order.id, `9${Date.now()}`, expired.agreementId],
    );
    await db.query('UPDATE contracts.agreements SET wcf_form_id = $2 WHERE agreement_id = $1', [expired.agreementId, formId]);
    expect(await deliver(expired.agreementId, 'AGREEMENT_EXPIRED')).toMatchObject({ status: 200, body: { result: 'applied' } });
    expect(await deliver(expired.agreementId, 'AGREEMENT_EXPIRED')).toMatchObject({ status: 200, body: { result: 'ignored' } });
    const status = async () => (await db.query<{ status: string }>('SELECT status FROM wcf.forms WHERE id = $1', [formId])).rows[0]?.status;
    expect(await status()).toBe('expired');
    expect(await requestedMessages(db, formId)).toEqual([
      {
        name: 'wcf-agreement-settled',
        correlationKey: formId,
        messageId: `wcf-agreement-settled:${expired.agreementId}`,
        variables: { agreementId: expired.agreementId, agreementStatus: 'EXPIRED' },
      },
    ]);

    const signed = await sentAgreement('SIGNED');
    await db.query(`UPDATE wcf.forms SET status = 'out-for-signature', agreement_id = $2 WHERE id = $1`, [formId, signed.agreementId]);
    await db.query('UPDATE contracts.agreements SET wcf_form_id = $2 WHERE agreement_id = $1', [signed.agreementId, formId]);
    expect(await deliver(signed.agreementId, 'AGREEMENT_WORKFLOW_COMPLETED')).toMatchObject({ status: 200, body: { result: 'applied' } });
    expect(await status()).toBe('out-for-signature');
    expect((await requestedMessages(db, formId)).map((m) => m.variables)).toContainEqual({ agreementId: signed.agreementId, agreementStatus: 'SIGNED' });
  });
});
