import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { failNextSends, replyFromPhone, resetCounts, sandboxCounts, sandboxMessages, updateSettings } from './client';
import { startMessagingSandbox } from './server';
import { eventually, json, sendMail, sendSms, useMessagingWorld, type TwilioError } from './testing';

const w = useMessagingWorld();
const PHONE = '+34612345678';
const dir = mkdtempSync(path.join(tmpdir(), 'messaging-sandbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sms = (to = PHONE, Body = 'hola') => sendSms(w.sandbox, { To: to, From: 'AHS', Body });

describe('the messaging sandbox, pacing, failures and what was received', () => {
  it('when the account rate is 3 per second, then the 4th send in the second is refused 429 20429 with Retry-After, and acceptance times are recorded', async () => {
    await updateSettings(w.sandbox.url, { rateLimitPerSecond: 3 });
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await sms()).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    const limited = await sms();
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toEqual({ code: 20429, message: 'Too Many Requests', more_info: 'https://www.twilio.com/docs/errors/20429', status: 429 });
    const counts = await sandboxCounts(w.sandbox.url);
    expect(counts).toMatchObject({ total: 3, sms: 3, email: 0, perRecipient: { [PHONE]: 3 } });
    expect(counts.acceptedAt).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await sms()).status).toBe(201);
    expect((await resetCounts(w.sandbox.url)).total).toBe(0);
  });

  it('when told to fail the next two SMS sends with 503, then they are refused and not taken, and the third is taken', async () => {
    await failNextSends(w.sandbox.url, { channel: 'sms', count: 2, status: 503, retryAfterSeconds: 2 });
    const first = await sms();
    expect([first.status, first.headers.get('retry-after'), (await json<TwilioError>(first)).code]).toEqual([503, '2', 20503]);
    expect((await sms()).status).toBe(503);
    expect((await sms()).status).toBe(201);
    expect((await sandboxCounts(w.sandbox.url)).total).toBe(1);
  });

  it('when a phone and a mailbox receive messages, then /_sandbox/messages?to= lists each one’s, oldest first, with status', async () => {
    await sms(PHONE, 'primero');
    await sms('+34699999999', 'de otro');
    await sms(PHONE, 'segundo');
    await sendMail(w.sandbox, {
      personalizations: [{ to: [{ email: 'ana@example.com' }] }],
      from: { email: 'avisos@ahs.example' },
      subject: 'Cita',
      content: [{ type: 'text/plain', value: 'Hola' }],
    });
    await eventually(() => w.sandbox.state.data.messages.every((m) => m.status === 'delivered'));
    const phone = await sandboxMessages(w.sandbox.url, { to: PHONE });
    expect(phone.map((m) => (m.channel === 'sms' ? [m.body, m.status] : []))).toEqual([
      ['primero', 'delivered'],
      ['segundo', 'delivered'],
    ]);
    expect(await sandboxMessages(w.sandbox.url, { to: 'ana@example.com' })).toMatchObject([
      { channel: 'email', subject: 'Cita', text: 'Hola', html: '', status: 'delivered' },
    ]);
    expect((await sandboxCounts(w.sandbox.url)).perRecipient).toEqual({ [PHONE]: 2, '+34699999999': 1, 'ana@example.com': 1 });
  });

  it('when the sandbox restarts on its state file, then credentials, the signing key, messages and opt-outs are kept', async () => {
    const stateFile = path.join(dir, 'messaging.json');
    const first = await startMessagingSandbox({ stateFile, statusCallbackDelayMs: 5 });
    await sendSms(first, { To: PHONE, From: 'AHS', Body: 'antes' });
    await replyFromPhone(first.url, PHONE, 'STOP');
    await first.close();
    const second = await startMessagingSandbox({ stateFile, statusCallbackDelayMs: 5 });
    try {
      expect([second.accountSid, second.authToken, second.sendgridApiKey, second.sendgridPublicKey]).toEqual([
        first.accountSid,
        first.authToken,
        first.sendgridApiKey,
        first.sendgridPublicKey,
      ]);
      expect((await sandboxMessages(second.url, { to: PHONE })).map((m) => m.channel === 'sms' && m.body)).toEqual(['antes']);
      expect(await (await sendSms(second, { To: PHONE, From: 'AHS', Body: 'después' })).json()).toMatchObject({ code: 21610 });
      expect(second.env).toEqual({
        TWILIO_API_BASE_URL: second.url,
        TWILIO_ACCOUNT_SID: second.accountSid,
        TWILIO_AUTH_TOKEN: second.authToken,
        SENDGRID_API_BASE_URL: second.url,
        SENDGRID_API_KEY: second.sendgridApiKey,
        SENDGRID_WEBHOOK_PUBLIC_KEY: second.sendgridPublicKey,
      });
    } finally {
      await second.close();
    }
  });

  it('when a control request is malformed, then 400 names what is wrong', async () => {
    const response = await fetch(`${w.sandbox.url}/_sandbox/fail`, { method: 'POST', body: JSON.stringify({ channel: 'fax', count: 1 }) });
    expect(response.status).toBe(400);
    expect((await json<TwilioError>(response)).message).toContain('channel');
  });
});
