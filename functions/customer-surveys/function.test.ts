import { describe, expect, it } from 'vitest';
import { signCustomerLink } from '../../shared/domain/customer-link';
import { useTestDb } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import { useOrderSeller } from '../../test/support/tv';
import { customerSurveysFunction } from './function';

const db = useTestDb();
const sell = await useOrderSeller(db);
const secret = 'customer-surveys-test-secret-0123456789abcdef';
let now = new Date('2027-03-05T10:00:00Z');
const url = await startFunction('customer-surveys', customerSurveysFunction({ db, logger: memoryLogger(), linkSecret: secret, clock: () => now }));

/** A sold order and its survey link (as wcf-outcomes signs it when the order closes), open until `expiresAt`. */
async function surveyed(fixture: 'pyxis-created' | 'tempo-created-pl' = 'pyxis-created', purpose: 'survey' | 'claim' = 'survey') {
  const order = await sell(fixture);
  const token = signCustomerLink(secret, { purpose, subjectId: order.id, serviceOrderId: order.id, expiresAt: new Date('2027-04-01T10:00:00Z') });
  return { order, token };
}

const page = async (token: string) => {
  const response = await fetch(`${url}/${token}`);
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
};
const answer = async (token: string, body: unknown) => {
  const response = await fetch(`${url}/${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const storedFor = async (orderId: string) =>
  (await db.query('SELECT rating, comment, answered_at FROM orders.satisfaction_surveys WHERE service_order_id = $1', [orderId])).rows;

describe('customer-surveys GET/POST /:token', () => {
  it('when the customer opens the link, then the survey page is in their language with 1 to 5 and a comment, never cached', async () => {
    const madrid = await surveyed();
    const es = await page(madrid.token);
    expect(es).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect(es.text).toContain('<html lang="es">');
    expect(es.text).toContain(`¿Qué le ha parecido la instalación de su pedido ${madrid.order.salesOrderId}?`);
    expect(es.text.match(/name="rating" value="[1-5]"/g)).toHaveLength(5);
    expect(es.text).toContain('name="comment"');
    expect((await fetch(`${url}/${madrid.token}`)).headers.get('cache-control')).toBe('no-store');
    const warsaw = await surveyed('tempo-created-pl');
    expect((await page(warsaw.token)).text).toContain('Jak oceniają Państwo montaż');
  });

  it('when the customer answers, then the rating and comment are stored once; a second answer gets 409 and the page thanks them', async () => {
    const { order, token } = await surveyed();
    expect(await answer(token, { rating: 4, comment: '  Muy limpios y puntuales.  ' })).toEqual({
      status: 201,
      body: { serviceOrderId: order.id, rating: 4, comment: 'Muy limpios y puntuales.', answeredAt: now.toISOString() },
    });
    expect(await answer(token, { rating: 1 })).toMatchObject({ status: 409, body: { reason: 'already-answered' } });
    expect(await storedFor(order.id)).toEqual([{ rating: 4, comment: 'Muy limpios y puntuales.', answered_at: now }]);
    const after = await page(token);
    expect(after.text).toContain('Ya ha respondido a esta encuesta');
    expect(after.text).not.toContain('name="rating"');
  });

  it.each([[{ rating: 0 }], [{ rating: 6 }], [{ rating: 3.5 }], [{ rating: '5' }], [{}]])(
    'when the answer is %j, then 400 naming rating and nothing is stored',
    async (body) => {
      const { order, token } = await surveyed();
      const refused = await answer(token, body);
      expect(refused).toMatchObject({ status: 400, body: { error: 'invalid_input' } });
      expect(refused.body.issues).toEqual([expect.objectContaining({ field: 'rating' })]);
      expect(await storedFor(order.id)).toEqual([]);
    },
  );

  it('when the link is forged, expired or made for a claim, then 401 and nothing is stored', async () => {
    const { order, token } = await surveyed();
    const [payload, signature] = token.split('.');
    const forged = `${payload}.${signature!.slice(0, -2)}AA`;
    expect((await page(forged)).status).toBe(401);
    expect((await answer(forged, { rating: 5 })).status).toBe(401);
    const claimLink = await surveyed('pyxis-created', 'claim');
    expect((await page(claimLink.token)).status).toBe(401);
    now = new Date('2027-04-02T10:00:00Z');
    try {
      expect((await page(token)).status).toBe(401);
      expect((await answer(token, { rating: 5 })).status).toBe(401);
    } finally {
      now = new Date('2027-03-05T10:00:00Z');
    }
    expect(await storedFor(order.id)).toEqual([]);
  });
});
