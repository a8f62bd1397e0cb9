import { describe, expect, it } from 'vitest';
import { twilioSignature } from '../../shared/notify/signatures';
import { history, messageRow, optOut, phone, PUBLIC_BASE_URL, seedMessage, sid, startNotifyWebhooks, TWILIO_TOKEN } from './testing';

const { db, logger, url, twilio } = await startNotifyWebhooks();

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/** A status callback as Twilio posts it. */
function callback(messageSid: string, status: string, over: Record<string, string> = {}) {
  return {
    MessageSid: messageSid,
    SmsSid: messageSid,
    MessageStatus: status,
    SmsStatus: status,
    AccountSid: 'AC00000000000000000000000000000000',
    From: '+34911000000',
    To: '+34612000000',
    ApiVersion: '2010-04-01',
    ...over,
  };
}
const statusPath = (requestId: string) => `/twilio/status?requestId=${requestId}`;

describe('notify-webhooks: Twilio status callbacks', () => {
  it('when a signed callback reports delivery, then the message is delivered, with the provider id, in its history, and answered with empty TwiML', async () => {
    const requestId = await seedMessage(db, { status: 'sending' });
    const messageSid = sid();
    const answer = await twilio(statusPath(requestId), callback(messageSid, 'delivered'));
    expect(answer).toEqual({ status: 200, type: 'text/xml; charset=utf-8', text: EMPTY_TWIML });
    expect(await messageRow(db, requestId)).toMatchObject({ status: 'delivered', provider_message_id: messageSid, delivered_at: expect.any(Date) });
    expect(await history(db, requestId)).toEqual([{ event: 'status-callback', detail: { provider: 'twilio', messageSid, status: 'delivered', moved: true } }]);
  });

  it('when a send lost its answer (still sending, no provider id), then `sent` reconciles it, and the message is found by its id afterwards', async () => {
    const requestId = await seedMessage(db, { status: 'sending' });
    const messageSid = sid();
    await twilio(statusPath(requestId), callback(messageSid, 'sent'));
    expect(await messageRow(db, requestId)).toMatchObject({ status: 'sent', provider_message_id: messageSid });
    // A callback without ?requestId= (another URL) still finds it by MessageSid.
    await twilio('/twilio/status', callback(messageSid, 'delivered'));
    expect(await messageRow(db, requestId)).toMatchObject({ status: 'delivered' });
  });

  it('when the signature is forged, made with another token, missing, or the body was altered, then 401 naming the header and nothing changes', async () => {
    const requestId = await seedMessage(db, { status: 'sent' });
    const messageSid = sid();
    const params = callback(messageSid, 'delivered');
    for (const signature of ['Zm9yZ2VkIHNpZ25hdHVyZSEhIQ==', null]) {
      const answer = await twilio(statusPath(requestId), params, { signature });
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.text)).toMatchObject({ error: 'unauthenticated', message: expect.stringContaining('X-Twilio-Signature') });
    }
    const otherToken = twilioSignature('another-token', `${PUBLIC_BASE_URL}${statusPath(requestId)}`, params);
    expect((await twilio(statusPath(requestId), params, { signature: otherToken })).status).toBe(401);
    const signedForSent = twilioSignature(TWILIO_TOKEN, `${PUBLIC_BASE_URL}${statusPath(requestId)}`, callback(messageSid, 'sent'));
    expect((await twilio(statusPath(requestId), params, { signature: signedForSent })).status).toBe(401);
    expect(await messageRow(db, requestId)).toMatchObject({ status: 'sent', provider_message_id: null });
    expect(await history(db, requestId)).toEqual([]);
    expect((await db.query('SELECT 1 FROM notify.provider_events WHERE event_id LIKE $1', [`${messageSid}%`])).rows).toEqual([]);
  });

  it('when the signature was made over the internal URL instead of the public one, or over another requestId, then it is refused', async () => {
    const requestId = await seedMessage(db, { status: 'sent' });
    const params = callback(sid(), 'delivered');
    expect((await twilio(statusPath(requestId), params, { signedUrl: `${url}${statusPath(requestId)}` })).status).toBe(401);
    const other = await seedMessage(db, { status: 'sent' });
    expect((await twilio(statusPath(requestId), params, { signedUrl: `${PUBLIC_BASE_URL}${statusPath(other)}` })).status).toBe(401);
    expect(await messageRow(db, requestId)).toMatchObject({ status: 'sent' });
  });

  it('when Twilio signed the public URL with its default port, then it is accepted (the validators try both)', async () => {
    const requestId = await seedMessage(db, { status: 'sent' });
    const answer = await twilio(statusPath(requestId), callback(sid(), 'delivered'), { signedUrl: `${PUBLIC_BASE_URL}:443${statusPath(requestId)}` });
    expect(answer.status).toBe(200);
    expect(await messageRow(db, requestId)).toMatchObject({ status: 'delivered' });
  });

  it('when the same callback is delivered again, then it is acknowledged and changes nothing (one history line)', async () => {
    const requestId = await seedMessage(db, { status: 'sent' });
    const params = callback(sid(), 'delivered');
    await twilio(statusPath(requestId), params);
    expect((await twilio(statusPath(requestId), params)).status).toBe(200);
    expect(await history(db, requestId)).toHaveLength(1);
  });

  it('when callbacks arrive out of order (delivered, then sent), then the message stays delivered; `read` counts as delivered', async () => {
    const requestId = await seedMessage(db, { status: 'sending' });
    const messageSid = sid();
    await twilio(statusPath(requestId), callback(messageSid, 'delivered'));
    await twilio(statusPath(requestId), callback(messageSid, 'sent'));
    await twilio(statusPath(requestId), callback(messageSid, 'undelivered', { ErrorCode: '30003' }));
    expect(await messageRow(db, requestId)).toMatchObject({ status: 'delivered', failure_code: null });
    expect((await history(db, requestId)).map((e) => [e.detail.status, e.detail.moved])).toEqual([
      ['delivered', true],
      ['sent', false],
      ['undelivered', false],
    ]);
    const read = await seedMessage(db, { status: 'sent' });
    await twilio(statusPath(read), callback(sid(), 'read'));
    expect(await messageRow(db, read)).toMatchObject({ status: 'delivered' });
  });

  it('when the recipient had replied STOP (21610), then an all-SMS opt-out is recorded for the number and the email fallback is asked', async () => {
    const requestId = await seedMessage(db, { status: 'sent' });
    const to = phone();
    const answer = await twilio(
      statusPath(requestId),
      callback(sid(), 'failed', { To: to, ErrorCode: '21610', ErrorMessage: `Attempt to send to unsubscribed recipient ${to}` }),
    );
    expect(answer.status).toBe(200);
    expect(await messageRow(db, requestId)).toMatchObject({
      status: 'failed',
      failure_code: '21610',
      failure_reason: 'Attempt to send to unsubscribed recipient [number]',
    });
    expect(await optOut(db, 'sms', to)).toEqual({ scope: 'all', source: 'twilio-21610' });
    // shared/notify/fallback.ts ran in the same transaction: it queued the email or said why not (this customer has no address).
    expect((await history(db, requestId)).map((e) => e.event)).toEqual(['status-callback', expect.stringMatching(/^fallback(-skipped)?$/)]);
  });

  it('when a callback names a message this service does not know, then 200 and nothing is stored but the dedupe mark', async () => {
    const answer = await twilio('/twilio/status?requestId=00000000-0000-4000-8000-000000000000', callback(sid(), 'delivered'));
    expect(answer.status).toBe(200);
  });
});

describe('notify-webhooks: inbound SMS', () => {
  const inbound = (from: string, body: string, messageSid = sid()) =>
    twilio('/twilio/inbound', { MessageSid: messageSid, SmsSid: messageSid, AccountSid: 'AC0', From: from, To: '+34911000000', Body: body, NumMedia: '0' });

  it.each(['STOP', 'Arrêt', 'baja'])('when a number texts "%s", then it is opted out of every SMS, and the answer is empty TwiML', async (body) => {
    const from = phone();
    expect(await inbound(from, body)).toEqual({ status: 200, type: 'text/xml; charset=utf-8', text: EMPTY_TWIML });
    expect(await optOut(db, 'sms', from)).toEqual({ scope: 'all', source: 'sms-stop' });
  });

  it('when the number then texts START, then the opt-out is gone; a redelivered STOP does not opt it out again', async () => {
    const from = phone();
    const stopSid = sid();
    await inbound(from, 'STOP', stopSid);
    await inbound(from, 'Start');
    expect(await optOut(db, 'sms', from)).toBeUndefined();
    await inbound(from, 'STOP', stopSid);
    expect(await optOut(db, 'sms', from)).toBeUndefined();
  });

  it('when a message is not a keyword, then nothing changes; an unsigned inbound is refused', async () => {
    const from = phone();
    await inbound(from, 'Stop sending me this please');
    expect(await optOut(db, 'sms', from)).toBeUndefined();
    const unsigned = await twilio('/twilio/inbound', { MessageSid: sid(), From: from, Body: 'STOP' }, { signature: null });
    expect(unsigned.status).toBe(401);
    expect(await optOut(db, 'sms', from)).toBeUndefined();
  });

  it('then no log line holds a phone number', () => {
    expect(JSON.stringify(logger.lines)).not.toMatch(/\+34\d{9}/);
  });
});
