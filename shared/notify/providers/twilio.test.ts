import { describe, expect, it } from 'vitest';
import { closedPort, error, fake, message, sms, twilio, useTwilioFake, MESSAGES, SERVICE, SID } from './twilio-fake';

useTwilioFake();

describe('twilioSms: sending', () => {
  it('when an SMS is sent from a number, then Twilio gets a form POST with Basic auth, To, Body, StatusCallback and From', async () => {
    const outcome = await twilio().send(sms());
    expect(outcome).toEqual({ outcome: 'accepted', providerMessageId: `SM${'f'.repeat(30)}01`, status: 'queued', segments: 1, price: null });
    expect(fake.seen).toHaveLength(1);
    expect(fake.seen[0]).toMatchObject({ method: 'POST', path: MESSAGES, contentType: 'application/x-www-form-urlencoded' });
    expect(fake.seen[0]?.form).toEqual({
      To: '+34612345678',
      From: '+34911222333',
      Body: 'Su técnico llega mañana 9:00–11:00 & trae la pieza.',
      StatusCallback: 'https://notify.example.com/twilio/status?requestId=req-1',
    });
  });

  it('when the sender is a Messaging Service SID, then it goes as MessagingServiceSid and the unknown segment count is null', async () => {
    const outcome = await twilio().send(sms({ from: SERVICE }));
    expect(fake.seen[0]?.form).toEqual({ To: '+34612345678', MessagingServiceSid: SERVICE, Body: sms().body, StatusCallback: sms().statusCallback });
    expect(outcome).toMatchObject({ outcome: 'accepted', status: 'accepted', segments: null });
  });

  it('when the sender starts with MG but is not a 34-character SID, then it goes as From (an alphanumeric sender id)', async () => {
    await twilio().send(sms({ from: 'MGTALLERES' }));
    expect(fake.seen[0]?.form.From).toBe('MGTALLERES');
    expect(fake.seen[0]?.form.MessagingServiceSid).toBeUndefined();
  });

  it('when Twilio answers 201 with segments and a price, then the outcome carries them, the price in positive micros', async () => {
    fake.next.push({ status: 201, body: message({ sid: 'SM1', to: '+34612345678', num_segments: '3', price: '-0.07500', price_unit: 'usd' }) });
    expect(await twilio().send(sms())).toEqual({
      outcome: 'accepted',
      providerMessageId: 'SM1',
      status: 'queued',
      segments: 3,
      price: { micros: 75000, currency: 'USD' },
    });
  });

  it('when the account is asked, then it is twilio: and the account SID, without the token', () => {
    expect(twilio().account).toBe(`twilio:${SID}`);
  });
});

describe('twilioSms: refusals', () => {
  it('when Twilio says 21211 (invalid To), then it is permanent with the code and the reason, the number masked', async () => {
    fake.next.push(error(400, 21211, "The 'To' number +34 612 345 678 is not a valid phone number."));
    expect(await twilio().send(sms())).toEqual({ outcome: 'permanent', code: '21211', reason: "The 'To' number <number> is not a valid phone number." });
  });

  it('when Twilio says 21610 (the recipient unsubscribed), then it is permanent with the code and the reason', async () => {
    fake.next.push(error(400, 21610, 'Attempt to send to unsubscribed recipient'));
    expect(await twilio().send(sms())).toEqual({ outcome: 'permanent', code: '21610', reason: 'Attempt to send to unsubscribed recipient' });
  });

  it('when Twilio says 21614 (not a mobile number), then it is permanent', async () => {
    fake.next.push(error(400, 21614, "'To' number is not a valid mobile number"));
    expect(await twilio().send(sms())).toEqual({ outcome: 'permanent', code: '21614', reason: "'To' number is not a valid mobile number" });
  });

  it('when the request lacks what Twilio requires, then its own 4xx is permanent too', async () => {
    expect(await twilio().send(sms({ body: '' }))).toEqual({ outcome: 'permanent', code: '21602', reason: 'Message body is required.' });
  });

  it('when the auth token is wrong, then it is retry with code auth (a rotation fixes it) and the token appears nowhere', async () => {
    const outcome = await twilio({ authToken: 'rotated-away' }).send(sms());
    expect(outcome).toEqual({ outcome: 'retry', code: 'auth', reason: 'Authenticate' });
    expect(JSON.stringify(outcome)).not.toContain('rotated-away');
  });

  it('when Twilio answers 429 (20429) with Retry-After in seconds, then it is retry after that many milliseconds', async () => {
    fake.next.push({ ...error(429, 20429, 'Too Many Requests'), headers: { 'retry-after': '7' } });
    expect(await twilio().send(sms())).toEqual({ outcome: 'retry', code: '20429', reason: 'Too Many Requests', retryAfterMs: 7000 });
  });

  it('when Twilio answers 503 with Retry-After as an HTTP date, then it is retry until that date', async () => {
    fake.next.push({ status: 503, headers: { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }, body: { message: 'Service Unavailable' } });
    const outcome = await twilio({ now: Date.parse('2015-10-21T07:27:30Z') }).send(sms());
    expect(outcome).toEqual({ outcome: 'retry', code: 'http-503', reason: 'Service Unavailable', retryAfterMs: 30_000 });
  });

  it('when Twilio answers 429 without Retry-After, then it is retry with no delay named', async () => {
    fake.next.push(error(429, 20429, 'Too Many Requests'));
    expect(await twilio().send(sms())).toEqual({ outcome: 'retry', code: '20429', reason: 'Too Many Requests' });
  });

  it('when Twilio answers 500, then it is unknown: the message may have been taken', async () => {
    fake.next.push(error(500, 20500, 'Internal Server Error'));
    expect(await twilio().send(sms())).toEqual({ outcome: 'unknown', code: '20500', reason: 'Internal Server Error' });
  });

  it('when Twilio answers 502 with no JSON, then it is unknown with the HTTP status as code', async () => {
    fake.next.push({ status: 502 });
    expect(await twilio().send(sms())).toEqual({ outcome: 'unknown', code: 'http-502', reason: 'HTTP 502' });
  });
});

describe('twilioSms: no answer', () => {
  it('when Twilio does not answer within the timeout, then it is unknown', async () => {
    fake.next.push('hang');
    const started = Date.now();
    expect(await twilio({ timeoutMs: 200 }).send(sms())).toEqual({ outcome: 'unknown', code: 'timeout', reason: 'no answer within 200 ms' });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('when the connection drops after the request was written, then it is unknown', async () => {
    fake.next.push('reset');
    expect(await twilio().send(sms())).toMatchObject({ outcome: 'unknown', code: 'network' });
  });

  it('when the connection is refused, then it is retry: Twilio never saw the request', async () => {
    expect(await twilio({ baseUrl: `http://127.0.0.1:${closedPort()}` }).send(sms())).toEqual({
      outcome: 'retry',
      code: 'connect',
      reason: 'no connection (ECONNREFUSED)',
    });
  });
});
