import { describe, expect, it } from 'vitest';
import { email, history, optOut, seedCustomer, seedMessage, startNotifyWebhooks, unsubscribeToken } from './testing';

const { db, url } = await startNotifyWebhooks();

async function emailTo(locale = 'es-ES') {
  const address = email();
  const requestId = await seedMessage(db, { channel: 'email', customerId: await seedCustomer(db, address), locale });
  return { address, requestId };
}

const get = (token: string) => fetch(`${url}/unsubscribe/${token}`);
/** RFC 8058 one-click: what a mail client POSTs to the List-Unsubscribe URL. */
const oneClick = (token: string) =>
  fetch(`${url}/unsubscribe/${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });

describe('notify-webhooks: unsubscribe link', () => {
  it('when the link is opened (GET, as mail scanners prefetch), then a page in the message language asks to confirm, and nothing changes', async () => {
    const m = await emailTo('fr-FR');
    const answer = await get(unsubscribeToken(m.requestId));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = await answer.text();
    expect(page).toContain('lang="fr"');
    expect(page).toMatch(/<form method="post" action=""><input type="hidden" name="List-Unsubscribe" value="One-Click">/);
    expect(await optOut(db, 'email', m.address)).toBeUndefined();
    expect(await history(db, m.requestId)).toEqual([]);
  });

  it('when a mail client POSTs List-Unsubscribe=One-Click, then the recipient is opted out of informational emails, once however often', async () => {
    const m = await emailTo('pl-PL');
    const token = unsubscribeToken(m.requestId);
    const answer = await oneClick(token);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('lang="pl"');
    expect(await optOut(db, 'email', m.address)).toEqual({ scope: 'informational', source: 'list-unsubscribe' });
    expect((await oneClick(token)).status).toBe(200);
    expect(await optOut(db, 'email', m.address)).toEqual({ scope: 'informational', source: 'list-unsubscribe' });
  });

  it('when the address had bounced for good, then unsubscribing does not weaken its opt-out', async () => {
    const m = await emailTo();
    await db.query(`INSERT INTO notify.opt_outs (channel, address, scope, source) VALUES ('email', $1, 'all', 'sendgrid-bounce')`, [m.address]);
    expect((await oneClick(unsubscribeToken(m.requestId, { shape: 'short' }))).status).toBe(200);
    expect(await optOut(db, 'email', m.address)).toEqual({ scope: 'all', source: 'sendgrid-bounce' });
  });

  it('when the token is forged, expired or made for another purpose, then 401 for GET and POST, and nothing is written', async () => {
    const m = await emailTo();
    for (const token of [
      unsubscribeToken(m.requestId, { secret: 'another-secret-of-at-least-32-characters!' }),
      unsubscribeToken(m.requestId, { expiresAt: new Date(Date.now() - 1000) }),
      unsubscribeToken(m.requestId, { purpose: 'claim' }),
      'not-a-token',
    ]) {
      expect((await get(token)).status).toBe(401);
      const answer = await oneClick(token);
      expect(answer.status).toBe(401);
      expect(await answer.json()).toMatchObject({ error: 'unauthenticated' });
    }
    expect(await optOut(db, 'email', m.address)).toBeUndefined();
    expect(await history(db, m.requestId)).toEqual([]);
  });
});
