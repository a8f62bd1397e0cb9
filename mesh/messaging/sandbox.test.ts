import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { replyFromPhone, sandboxMessages, setPhoneFate } from './client';
import { eventually, json, sendSms, twilioGet, useMessagingWorld, type Received, type TwilioError, type TwilioMessage, type TwilioPage } from './testing';

const w = useMessagingWorld();
const PHONE = '+34612345678';

/** X-Twilio-Signature as Twilio documents it, computed here on its own: URL, then each param sorted by name, name then value. */
function expectedSignature(authToken: string, url: string, body: string): string {
  const params = [...new URLSearchParams(body)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHmac('sha1', authToken)
    .update(url + params.map(([k, v]) => `${k}${v}`).join(''))
    .digest('base64');
}

const form = (r: Received) => Object.fromEntries(new URLSearchParams(r.body));

describe('the messaging sandbox, Twilio Programmable Messaging', () => {
  it('when an SMS is sent with a StatusCallback, then 201 answers the queued Message and sent then delivered callbacks arrive, signed', async () => {
    const callback = `${w.receiver.base}/twilio/status?requestId=req-1`;
    const response = await sendSms(w.sandbox, { To: PHONE, From: '+34911000000', Body: 'Su técnico llega mañana', StatusCallback: callback });
    expect(response.status).toBe(201);
    const message = await json<TwilioMessage>(response);
    expect(message).toMatchObject({
      account_sid: w.sandbox.accountSid,
      api_version: '2010-04-01',
      to: PHONE,
      from: '+34911000000',
      body: 'Su técnico llega mañana',
      status: 'queued',
      num_segments: '1',
      num_media: '0',
      direction: 'outbound-api',
      price: null,
      price_unit: 'EUR',
      error_code: null,
      error_message: null,
      date_sent: null,
      uri: `/2010-04-01/Accounts/${w.sandbox.accountSid}/Messages/${message.sid}.json`,
    });
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message.date_created).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);

    await eventually(() => w.receiver.received.length === 2);
    const [sent, delivered] = w.receiver.received as [Received, Received];
    for (const r of [sent, delivered]) {
      expect(r.url).toBe(callback);
      expect(r.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(r.headers['x-twilio-signature']).toBe(expectedSignature(w.sandbox.authToken, callback, r.body));
      expect(r.headers['x-twilio-signature']).not.toBe(expectedSignature('wrong-token', callback, r.body));
    }
    const common = {
      AccountSid: w.sandbox.accountSid,
      ApiVersion: '2010-04-01',
      From: '+34911000000',
      To: PHONE,
      MessageSid: message.sid,
      SmsSid: message.sid,
    };
    expect(form(sent)).toEqual({ ...common, MessageStatus: 'sent', SmsStatus: 'sent' });
    expect(form(delivered)).toMatchObject({ ...common, MessageStatus: 'delivered', SmsStatus: 'delivered' });
    expect(form(delivered).RawDlrDoneDate).toMatch(/^\d{10}$/);

    const fetched = await json<TwilioMessage>(await twilioGet(w.sandbox, `/Messages/${message.sid}.json`));
    expect(fetched).toMatchObject({ status: 'delivered', price: '-0.07500', price_unit: 'EUR' });
    expect(fetched.date_sent).not.toBeNull();
  });

  it('when the body is GSM-7 or Polish (UCS-2), then num_segments counts 160/153 or 70/67, extension characters twice', async () => {
    const segments = async (Body: string) => (await json<TwilioMessage>(await sendSms(w.sandbox, { To: PHONE, From: 'AHS', Body }))).num_segments;
    expect(await segments('a'.repeat(160))).toBe('1');
    expect(await segments('a'.repeat(161))).toBe('2');
    expect(await segments('€'.repeat(80))).toBe('1');
    expect(await segments('€'.repeat(81))).toBe('2');
    expect(await segments('a'.repeat(306))).toBe('2');
    expect(await segments('a'.repeat(307))).toBe('3');
    const polish = (length: number) => 'Zażółć gęślą jaźń. '.repeat(10).slice(0, length);
    expect(await segments(polish(70))).toBe('1');
    expect(await segments(polish(71))).toBe('2');
    expect(await segments(polish(134))).toBe('2');
    expect(await segments(polish(135))).toBe('3');
  });

  it('when the credentials are wrong, then 401 with code 20003 and nothing is sent', async () => {
    const response = await sendSms(w.sandbox, { To: PHONE, From: 'AHS', Body: 'x' }, `${w.sandbox.accountSid}:wrong`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
    expect(await sandboxMessages(w.sandbox.url)).toEqual([]);
  });

  it('when To is not a valid number, or told invalid, then 400 with 21211', async () => {
    const bad = await sendSms(w.sandbox, { To: '612345678', From: 'AHS', Body: 'x' });
    expect([bad.status, (await json<TwilioError>(bad)).code]).toEqual([400, 21211]);
    await setPhoneFate(w.sandbox.url, '+34600000001', 'invalid');
    const told = await sendSms(w.sandbox, { To: '+34600000001', From: 'AHS', Body: 'x' });
    expect(await told.json()).toMatchObject({ code: 21211, status: 400, message: "The 'To' number +34600000001 is not a valid phone number." });
  });

  it('when the phone replies STOP, then the reply is POSTed signed to the inbound URL and later sends get 21610 until START', async () => {
    await sendSms(w.sandbox, { To: PHONE, From: '+34911000000', Body: 'Cita confirmada' });
    const outcome = await replyFromPhone(w.sandbox.url, PHONE, 'STOP');
    expect(outcome.optedOut).toBe(true);
    expect(outcome.delivery).toMatchObject({ kind: 'inbound', state: 'DELIVERED', status: 204 });
    const inbound = w.receiver.received.find((r) => r.path === '/twilio/inbound')!;
    expect(inbound.headers['x-twilio-signature']).toBe(expectedSignature(w.sandbox.authToken, inbound.url, inbound.body));
    expect(form(inbound)).toMatchObject({
      From: PHONE,
      To: '+34911000000',
      Body: 'STOP',
      MessageSid: outcome.messageSid,
      AccountSid: w.sandbox.accountSid,
      NumMedia: '0',
    });

    const refused = await sendSms(w.sandbox, { To: PHONE, From: '+34911000000', Body: 'Otra' });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ code: 21610, status: 400 });
    await replyFromPhone(w.sandbox.url, PHONE, 'START');
    expect((await sendSms(w.sandbox, { To: PHONE, From: '+34911000000', Body: 'Otra' })).status).toBe(201);
  });

  it('when a number is told undelivered, then the callback says undelivered with ErrorCode 30003', async () => {
    await setPhoneFate(w.sandbox.url, PHONE, { undelivered: 30003 });
    const callback = `${w.receiver.base}/twilio/status?requestId=req-2`;
    const { sid } = await json<TwilioMessage>(await sendSms(w.sandbox, { To: PHONE, From: 'AHS', Body: 'x', StatusCallback: callback }));
    await eventually(() => w.receiver.received.length === 2);
    expect(form(w.receiver.received[1]!)).toMatchObject({ MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30003' });
    expect(await (await twilioGet(w.sandbox, `/Messages/${sid}.json`)).json()).toMatchObject({ status: 'undelivered', error_code: 30003 });
  });

  it('when sent through a Messaging Service, then it is accepted without a sender, and the sender is assigned once sent', async () => {
    const service = `MG${'a'.repeat(32)}`;
    const created = await json<TwilioMessage>(await sendSms(w.sandbox, { To: PHONE, MessagingServiceSid: service, Body: 'x' }));
    expect(created).toMatchObject({ status: 'accepted', from: null, messaging_service_sid: service, num_segments: '0' });
    await eventually(() => w.sandbox.state.sms(created.sid)?.status === 'delivered');
    expect(await (await twilioGet(w.sandbox, `/Messages/${created.sid}.json`)).json()).toMatchObject({ from: '+15005550006', num_segments: '1' });
  });

  it('when messages are looked up by To and DateSent, then the newest come first, paged by PageSize with next_page_uri', async () => {
    const sids: string[] = [];
    for (const body of ['uno', 'dos', 'tres']) sids.push((await json<TwilioMessage>(await sendSms(w.sandbox, { To: PHONE, From: 'AHS', Body: body }))).sid);
    await sendSms(w.sandbox, { To: '+34699999999', From: 'AHS', Body: 'otro' });
    const since = new Date(Date.now() - 60_000).toISOString().slice(0, 19) + 'Z';
    const query = `/Messages.json?${new URLSearchParams({ To: PHONE, 'DateSent>': since, PageSize: '2' }).toString()}`;
    await eventually(() => sids.every((sid) => w.sandbox.state.sms(sid)?.dateSent));

    const first = await json<TwilioPage>(await twilioGet(w.sandbox, query));
    expect(first.messages.map((m) => m.sid)).toEqual([sids[2], sids[1]]);
    expect(first).toMatchObject({ page: 0, page_size: 2, start: 0, end: 1, previous_page_uri: null });
    const second = await json<TwilioPage>(await twilioGet(w.sandbox, first.next_page_uri));
    expect(second.messages.map((m) => m.sid)).toEqual([sids[0]]);
    expect(second).toMatchObject({ page: 1, start: 2, next_page_uri: null });
    const back = await json<TwilioPage>(await twilioGet(w.sandbox, second.previous_page_uri));
    expect(back.messages.map((m) => m.sid)).toEqual([sids[2], sids[1]]);

    const today = new Date().toISOString().slice(0, 10);
    const on = (filter: string) => twilioGet(w.sandbox, `/Messages.json?To=${encodeURIComponent(PHONE)}&${filter}`).then((r) => json<TwilioPage>(r));
    expect((await on(`DateSent=${today}`)).messages).toHaveLength(3);
    expect((await on('DateSent>=2999-01-01')).messages).toHaveLength(0);
    expect((await on('DateSent<=2000-01-01')).messages).toHaveLength(0);
    expect((await on(`DateSent<=${new Date(Date.now() + 60_000).toISOString()}`)).messages).toHaveLength(3);
  });
});
