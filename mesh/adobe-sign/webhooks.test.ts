import { describe, expect, it } from 'vitest';
import { esignWebhooksFunction } from '../../functions/esign-webhooks/function';
import { useTestDb } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import { ensureWebhook, setChaos, signAsParticipant, signingLinks } from './client';
import { eventually, newAgreement, useSandboxWorld } from './testing';

const w = useSandboxWorld();
const db = useTestDb();

const register = () => ensureWebhook(w.sandbox.url, w.sandbox.credentials, w.receiver.url);
const events = () => w.receiver.notifications.map((n) => n.body.event);

/** Creates an agreement with one signer and signs it through the page. */
async function signedAgreement(): Promise<string> {
  const { agreementId } = await w.esign.createAgreement(await newAgreement({ signingSteps: [[{ email: 'a@example.com' }], [{ email: 'b@example.com' }]] }));
  for (const to of ['a@example.com', 'b@example.com']) {
    const link = (await signingLinks(w.sandbox.url, agreementId)).find((l) => l.to === to)!.link;
    await signAsParticipant(w.sandbox.url, link);
  }
  return agreementId;
}

describe('the sandbox webhooks: verification of intent', () => {
  it('when the webhook URL echoes X-AdobeSign-ClientId, then it is registered once, even when asked again', async () => {
    const id = await register();
    expect(w.receiver.verifications).toEqual([w.sandbox.credentials.clientId]);
    expect(await register()).toBe(id);
    expect(w.sandbox.state.data.webhooks).toHaveLength(1);
  });

  it('when the webhook URL answers 2xx without the echo, then the registration is refused and nothing is registered', async () => {
    w.receiver.echo = false;
    await expect(register()).rejects.toThrow(/webhook registration refused: 400 INVALID_WEBHOOK_URL/);
    expect(w.sandbox.state.data.webhooks).toEqual([]);
  });

  it('when the webhook is the real esign-webhooks function, then it verifies and stores every notification of a signing', async () => {
    const url = await startFunction('esign-webhooks', esignWebhooksFunction({ db, logger: memoryLogger(), clientIds: [w.sandbox.credentials.clientId] }));
    await ensureWebhook(w.sandbox.url, w.sandbox.credentials, `${url}/`);
    const agreementId = await signedAgreement();
    await eventually(() => w.sandbox.webhooks.deliveries.every((d) => d.state === 'DELIVERED') && w.sandbox.webhooks.deliveries.length === 4);
    const { rows } = await db.query<{ event: string }>(
      'SELECT event FROM contracts.esign_notifications WHERE agreement_id = $1 ORDER BY event_date, received_at',
      [agreementId],
    );
    expect(rows.map((r) => r.event).sort()).toEqual([
      'AGREEMENT_ACTION_COMPLETED',
      'AGREEMENT_ACTION_COMPLETED',
      'AGREEMENT_CREATED',
      'AGREEMENT_WORKFLOW_COMPLETED',
    ]);
  });
});

describe('the sandbox webhooks: notifications', () => {
  it("when an agreement is signed, then each step is notified in Adobe's payload with the client id header", async () => {
    await register();
    const agreementId = await signedAgreement();
    await eventually(() => w.receiver.notifications.length === 4);
    expect(events()).toEqual(['AGREEMENT_CREATED', 'AGREEMENT_ACTION_COMPLETED', 'AGREEMENT_ACTION_COMPLETED', 'AGREEMENT_WORKFLOW_COMPLETED']);
    const signed = w.receiver.notifications[1]!;
    expect(signed.clientId).toBe(w.sandbox.credentials.clientId);
    expect(signed.body).toMatchObject({
      webhookName: 'ahs-field-service',
      event: 'AGREEMENT_ACTION_COMPLETED',
      eventResourceType: 'agreement',
      participantUserEmail: 'a@example.com',
      actingUserEmail: 'a@example.com',
      participantRole: 'SIGNER',
      actionType: 'ESIGNED',
      agreement: { id: agreementId, status: 'OUT_FOR_SIGNATURE' },
    });
    expect(signed.body.webhookNotificationId).toEqual(expect.any(String));
    expect(Date.parse(String(signed.body.eventDate))).not.toBeNaN();
    expect(w.receiver.notifications[3]!.body).toMatchObject({ agreement: { status: 'SIGNED' } });
  });

  it('when deliveries are not acknowledged, then they are retried with growing delays until they are', async () => {
    await register();
    w.receiver.failNext = 3;
    const started = Date.now();
    await w.esign.createAgreement(await newAgreement());
    await eventually(() => w.sandbox.webhooks.deliveries[0]?.state === 'DELIVERED');
    // 20 + 40 + 80 ms of retries
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(w.sandbox.webhooks.deliveries[0]).toMatchObject({ event: 'AGREEMENT_CREATED', attempts: 4 });
    expect(new Set(w.receiver.notifications.map((n) => n.body.webhookNotificationId)).size).toBe(1);
  });

  it('when chaos asks for duplicates and reordering, then every notification comes twice and the last event first', async () => {
    await register();
    await setChaos(w.sandbox.url, { duplicate: true, reorder: true, reorderWindowMs: 800 });
    await signedAgreement();
    await eventually(() => w.receiver.notifications.length === 8);
    const ids = w.receiver.notifications.map((n) => n.body.webhookNotificationId);
    expect(new Set(ids).size).toBe(4);
    expect(events()[0]).toBe('AGREEMENT_WORKFLOW_COMPLETED');
    expect(events().at(-1)).toBe('AGREEMENT_CREATED');
  });

  it('when an agreement reaches its expiration time, then it is EXPIRED and AGREEMENT_EXPIRED is notified', async () => {
    await register();
    const { agreementId } = await w.esign.createAgreement(await newAgreement({ expiresAt: new Date(Date.now() + 1000) }));
    await eventually(() => events().includes('AGREEMENT_EXPIRED'), 4000);
    expect((await w.esign.getAgreement(agreementId)).status).toBe('EXPIRED');
  });

  it('when the sender recalls or a signer declines, then AGREEMENT_RECALLED and AGREEMENT_REJECTED are notified', async () => {
    await register();
    const recalled = await w.esign.createAgreement(await newAgreement());
    await w.esign.recall(recalled.agreementId, { comment: 'order cancelled', notifyOthers: false });
    const declined = await w.esign.createAgreement(await newAgreement());
    const link = (await signingLinks(w.sandbox.url, declined.agreementId))[0]!.link;
    await fetch(link, { method: 'POST', body: new URLSearchParams({ action: 'decline', reason: 'no' }) });
    await eventually(() => events().includes('AGREEMENT_REJECTED') && events().includes('AGREEMENT_RECALLED'));
    expect(w.receiver.notifications.find((n) => n.body.event === 'AGREEMENT_REJECTED')?.body).toMatchObject({
      agreement: { id: declined.agreementId, status: 'CANCELLED' },
    });
  });
});
