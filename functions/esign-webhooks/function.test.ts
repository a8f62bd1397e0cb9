import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { esignNotificationReceived } from '../../events';
import { useTestDb } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import { esignWebhooksFunction } from './function';

const db = useTestDb();
const logger = memoryLogger();
const CLIENT_ID = 'UB7E5BXCXY2';
const url = await startFunction('esign-webhooks', esignWebhooksFunction({ db, logger, clientIds: ['OTHER-APP', CLIENT_ID] }));

/** A notification as Adobe Sign publishes it (REST v6 webhook payload, agreement scope). */
function notification(over: Record<string, unknown> = {}) {
  return {
    webhookId: '3ce2d5d6-1f0a-4a2c-9b0f-7e0b1e0c0a11',
    webhookName: 'ahs-contracts',
    webhookNotificationId: randomUUID(),
    webhookUrlInfo: { url: 'https://ahs.example.com/esign-webhooks/' },
    webhookScope: 'ACCOUNT',
    webhookNotificationApplicableUsers: [{ id: 'CBJCHBCAABAA-user', email: 'ops@ahs.example.com', role: 'SENDER', payloadApplicable: 'true' }],
    event: 'AGREEMENT_ACTION_COMPLETED',
    subEvent: '',
    eventDate: '2026-12-05T10:15:30Z',
    eventResourceType: 'agreement',
    participantRole: 'SIGNER',
    actionType: 'ESIGNED',
    participantUserId: 'CBJCHBCAABAA-participant',
    participantUserEmail: 'María.Núñez@example.es',
    actingUserId: 'CBJCHBCAABAA-participant',
    actingUserEmail: 'maría.núñez@example.es',
    actingUserIpAddress: '203.0.113.7',
    initiatingUserId: 'CBJCHBCAABAA-sender',
    initiatingUserEmail: 'contracts@ahs.example.com',
    agreement: { id: `CBJCHBCAABAA${randomUUID().replace(/-/g, '')}`, name: 'Contrato de servicio', signatureType: 'ESIGN', status: 'OUT_FOR_SIGNATURE' },
    ...over,
  };
}

async function call(method: 'GET' | 'POST', options: { clientId?: string; body?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.clientId !== undefined) headers['x-adobesign-clientid'] = options.clientId;
  const response = await fetch(`${url}/`, { method, headers, body: options.body });
  return { status: response.status, echo: response.headers.get('x-adobesign-clientid'), body: (await response.json()) as Record<string, unknown> };
}
const post = (body: unknown, clientId: string | undefined = CLIENT_ID) => call('POST', { clientId, body: JSON.stringify(body) });

async function stored(webhookNotificationId: string) {
  const { rows } = await db.query<Record<string, unknown>>('SELECT * FROM contracts.esign_notifications WHERE webhook_notification_id = $1', [
    webhookNotificationId,
  ]);
  return rows;
}
async function outboxEvents(webhookNotificationId: string) {
  const { rows } = await db.query<{ data: Record<string, unknown> }>(
    `SELECT data FROM platform.outbox WHERE topic = $1 AND data->>'webhookNotificationId' = $2`,
    [esignNotificationReceived.topic, webhookNotificationId],
  );
  return rows;
}

describe('esign-webhooks', () => {
  it('when Adobe verifies intent with a configured client id, then 200 echoes the id in X-AdobeSign-ClientId and in the JSON body', async () => {
    expect(await call('GET', { clientId: CLIENT_ID })).toEqual({ status: 200, echo: CLIENT_ID, body: { status: 'ok', xAdobeSignClientId: CLIENT_ID } });
  });

  it('when the client id is unknown or missing, then verification and notifications get 401 without the echo, and nothing is stored', async () => {
    const forged = notification();
    const missing = notification();
    for (const answer of [
      await call('GET', { clientId: 'FORGED' }),
      await call('GET'),
      await post(forged, 'FORGED'),
      await call('POST', { body: JSON.stringify(missing) }),
    ]) {
      expect(answer).toMatchObject({ status: 401, echo: null, body: { error: 'unauthenticated' } });
    }
    expect([...(await stored(forged.webhookNotificationId)), ...(await stored(missing.webhookNotificationId))]).toEqual([]);
    expect([...(await outboxEvents(forged.webhookNotificationId)), ...(await outboxEvents(missing.webhookNotificationId))]).toEqual([]);
  });

  it('when a notification arrives, then it is stored with hashed emails, its processing is asked through the outbox, and the answer echoes the client id', async () => {
    const n = notification();
    expect(await post(n)).toEqual({ status: 200, echo: CLIENT_ID, body: { received: true, duplicate: false, xAdobeSignClientId: CLIENT_ID } });
    const [row] = await stored(n.webhookNotificationId);
    expect(row).toMatchObject({ agreement_id: n.agreement.id, event: 'AGREEMENT_ACTION_COMPLETED', processed_at: null });
    expect(row?.participant_email_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.participant_email_hash).toBe(row?.acting_user_email_hash);
    expect(JSON.stringify(row?.payload)).not.toMatch(/@/);
    expect((await outboxEvents(n.webhookNotificationId)).map((r) => r.data)).toEqual([
      { webhookNotificationId: n.webhookNotificationId, agreementId: n.agreement.id, event: 'AGREEMENT_ACTION_COMPLETED', eventDate: n.eventDate },
    ]);
    expect(JSON.stringify(logger.lines)).not.toMatch(/example\.es/);
  });

  it('when the same notification is delivered again, then it is acknowledged 2xx and stored and forwarded once', async () => {
    const n = notification();
    await post(n);
    expect(await post(n)).toEqual({ status: 200, echo: CLIENT_ID, body: { received: true, duplicate: true, xAdobeSignClientId: CLIENT_ID } });
    expect(await stored(n.webhookNotificationId)).toHaveLength(1);
    expect(await outboxEvents(n.webhookNotificationId)).toHaveLength(1);
  });

  it('when the event type is unknown or the resource is not an agreement, then it is acknowledged and stored', async () => {
    const unknown = notification({ event: 'AGREEMENT_SOMETHING_NEW' });
    const widget = notification({ event: 'WIDGET_CREATED', eventResourceType: 'widget', agreement: undefined, widget: { id: 'w-1' } });
    expect((await post(unknown)).status).toBe(200);
    expect((await post(widget)).status).toBe(200);
    expect(await stored(unknown.webhookNotificationId)).toMatchObject([{ event: 'AGREEMENT_SOMETHING_NEW' }]);
    expect(await stored(widget.webhookNotificationId)).toMatchObject([{ event: 'WIDGET_CREATED', agreement_id: null }]);
  });

  it('when the body is not JSON, then 400, and when it lacks webhookNotificationId or eventDate, then 400 naming them; nothing is stored', async () => {
    const broken = await call('POST', { clientId: CLIENT_ID, body: '{"webhookNotificationId": "x",' });
    expect(broken).toMatchObject({ status: 400, body: { error: 'invalid_input' } });
    expect(broken.body).not.toHaveProperty('xAdobeSignClientId');
    const { webhookNotificationId: _id, eventDate: _date, ...incomplete } = notification();
    const answer = await post(incomplete);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toMatch(/webhookNotificationId/);
    expect(JSON.stringify(answer.body)).toMatch(/eventDate/);
    expect(await stored('x')).toEqual([]);
  });
});
