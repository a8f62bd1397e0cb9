import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { failNextSends, sandboxMessages, sendgridPublicKey, setMailboxFate } from './client';
import { eventually, json, sendMail, useMessagingWorld, type Received, type SendgridErrors } from './testing';

const w = useMessagingWorld();

const mail = (to: string[], overrides: Record<string, unknown> = {}) => ({
  personalizations: [{ to: to.map((email) => ({ email })) }],
  from: { email: 'avisos@ahs.example', name: 'AHS' },
  subject: 'Su cita',
  content: [
    { type: 'text/plain', value: 'Hola' },
    { type: 'text/html', value: '<p>Hola</p>' },
  ],
  custom_args: { requestId: 'req-9', tenant: 'es' },
  categories: ['visit-reminder'],
  headers: { 'List-Unsubscribe': '<https://ahs.example/u>' },
  ...overrides,
});

type Event = Record<string, unknown>;
const events = () => w.receiver.received.flatMap((r) => JSON.parse(r.body) as Event[]);

/** The signature as SendGrid documents it, checked here on its own: ECDSA P-256/SHA-256 over timestamp + raw body. */
function verifies(publicKeyBase64: string, r: Received): boolean {
  const key = createPublicKey({ key: Buffer.from(publicKeyBase64, 'base64'), format: 'der', type: 'spki' });
  const timestamp = r.headers['x-twilio-email-event-webhook-timestamp'] as string;
  const signature = Buffer.from(r.headers['x-twilio-email-event-webhook-signature'] as string, 'base64');
  return verify('sha256', Buffer.from(timestamp + r.body), key, signature);
}

describe('the messaging sandbox, SendGrid v3 mail send and event webhook', () => {
  it('when a mail is sent, then 202 with X-Message-Id, and processed then delivered events arrive batched, signed, with custom_args', async () => {
    const response = await sendMail(w.sandbox, mail(['ana@example.com', 'luis@example.com']));
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
    const messageId = response.headers.get('x-message-id')!;
    expect(messageId).toMatch(/^[A-Za-z0-9_-]{22}$/);

    await eventually(() => events().length === 4);
    expect(w.receiver.received).toHaveLength(2); // the two recipients' events of each step in one POST
    const publicKey = await sendgridPublicKey(w.sandbox.url);
    expect(publicKey).toBe(w.sandbox.sendgridPublicKey);
    expect(publicKey).toMatch(/^MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE/); // an EC P-256 SubjectPublicKeyInfo
    for (const r of w.receiver.received) {
      expect(r.path).toBe('/sendgrid/events');
      expect(verifies(publicKey, r)).toBe(true);
      expect(verifies(publicKey, { ...r, body: r.body.replace('ana@', 'eva@') })).toBe(false);
    }
    expect(events().map((e) => [e.email, e.event])).toEqual([
      ['ana@example.com', 'processed'],
      ['luis@example.com', 'processed'],
      ['ana@example.com', 'delivered'],
      ['luis@example.com', 'delivered'],
    ]);
    for (const e of events()) {
      expect(e).toMatchObject({ requestId: 'req-9', tenant: 'es', category: ['visit-reminder'] });
      expect(e.sg_message_id).toMatch(new RegExp(`^${messageId}\\.filter`));
      expect(typeof e.timestamp).toBe('number');
    }
    expect(new Set(events().map((e) => e.sg_event_id)).size).toBe(4);
    const [received] = await sandboxMessages(w.sandbox.url, { to: 'ANA@example.com' });
    expect(received).toMatchObject({ channel: 'email', subject: 'Su cita', text: 'Hola', html: '<p>Hola</p>', status: 'delivered', messageId });
  });

  it('when a mailbox is told to bounce, then a bounce event (5.1.1), and the next mail to it is dropped', async () => {
    await setMailboxFate(w.sandbox.url, 'nadie@example.com', 'bounce');
    await sendMail(w.sandbox, mail(['nadie@example.com']));
    await eventually(() => events().some((e) => e.event === 'bounce'));
    expect(events().find((e) => e.event === 'bounce')).toMatchObject({ email: 'nadie@example.com', type: 'bounce', status: '5.1.1', requestId: 'req-9' });
    await sendMail(w.sandbox, mail(['nadie@example.com']));
    await eventually(() => events().some((e) => e.event === 'dropped'));
    expect(events().find((e) => e.event === 'dropped')).toMatchObject({ reason: 'Bounced Address' });
  });

  it('when the API key is wrong, then 401 as SendGrid answers it', async () => {
    const response = await sendMail(w.sandbox, mail(['ana@example.com']), 'SG.wrong');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      errors: [{ message: 'The provided authorization grant is invalid, expired, or revoked', field: null, help: null }],
    });
  });

  it('when the body lacks personalizations, a valid from, or puts text/html first, then 400 naming each field', async () => {
    const response = await sendMail(w.sandbox, {
      ...mail([]),
      personalizations: [],
      from: { email: 'not-an-address' },
      content: [
        { type: 'text/html', value: '<p>x</p>' },
        { type: 'text/plain', value: 'x' },
      ],
    });
    expect(response.status).toBe(400);
    const { errors } = await json<SendgridErrors>(response);
    expect(errors.map((e) => e.field)).toEqual(['personalizations', 'from.email', 'content']);
    const noContent = await sendMail(w.sandbox, { ...mail(['ana@example.com']), content: undefined });
    expect((await json<SendgridErrors>(noContent)).errors).toMatchObject([
      { field: 'content', message: expect.stringContaining('content parameter is required') },
    ]);
  });

  it('when told to fail the next email send with 429, then SendGrid rate-limit headers, and the send after it is taken', async () => {
    await failNextSends(w.sandbox.url, { channel: 'email', count: 1, status: 429, retryAfterSeconds: 5 });
    const limited = await sendMail(w.sandbox, mail(['ana@example.com']));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect((await json<SendgridErrors>(limited)).errors[0]?.message).toBe('too many requests');
    expect((await sendMail(w.sandbox, mail(['ana@example.com']))).status).toBe(202);
  });
});
