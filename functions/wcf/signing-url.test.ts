import { describe, expect, it } from 'vitest';
import { DEV_PROVIDER_B_ID } from '../../mesh/oidc/users';
import { TECH_2 } from '../../test/support/wcf';
import { startWcfHarness } from './testing';

const h = await startWcfHarness();
const { call } = h;

const path = (orderId: string, signer = 'customer') => `/orders/${orderId}/signing-url?signer=${signer}`;

describe('wcf GET /orders/:orderId/signing-url', () => {
  it("when the closing form is out for signature, then the technician gets the customer's signing page, then their own once the customer signed", async () => {
    const order = await h.workedOrder();
    const { formId, agreementId, customerEmail } = await h.sentForm(order);
    const customer = await call('GET', path(order.id), 'technician');
    expect(customer).toMatchObject({ status: 200, body: { formId, kind: 'closing', signer: 'customer' } });
    expect(customer.body.signingUrl).toMatch(new RegExp(`^${h.fake.url}/public/apiesign\\?pid=`));
    expect(await call('GET', path(order.id, 'technician'), 'technician')).toMatchObject({ status: 409, body: { reason: 'not-their-turn' } });

    h.fake.sign(agreementId, customerEmail);
    const technician = await call('GET', path(order.id, 'technician'), 'technician');
    expect(technician).toMatchObject({ status: 200, body: { signer: 'technician' } });
    expect(technician.body.signingUrl).not.toBe(customer.body.signingUrl);
    expect(await call('GET', path(order.id), 'technician')).toMatchObject({ status: 409, body: { reason: 'not-their-turn' } });
  });

  it("when the order's latest form is a lifting form out for signature, then its page is the one given", async () => {
    const order = await h.workedOrder();
    const closing = await h.seedForm(order.id, { status: 'signed', answer: 'accepted-with-reserves', createdAt: new Date(Date.now() - 86_400_000) });
    const rework = await h.seedRework(order.id, closing, { status: 'lifted', reserves: 1 });
    const { formId } = await h.sentForm(order, { kind: 'lifting', reworkId: rework.id });
    expect(await call('GET', path(order.id), 'technician')).toMatchObject({ status: 200, body: { formId, kind: 'lifting' } });
  });

  it('when no form is out for signature (awaiting its answer, or none at all), then 409 not-out-for-signature', async () => {
    const { order } = await h.openForm();
    expect(await call('GET', path(order.id), 'technician')).toMatchObject({ status: 409, body: { reason: 'not-out-for-signature' } });
    const bare = await h.workedOrder();
    expect(await call('GET', path(bare.id), 'technician')).toMatchObject({ status: 409, body: { reason: 'not-out-for-signature' } });
  });

  it('when Adobe says the agreement can no longer be signed, then 409 agreement-not-signable; a customer without an email, 409 signer-email-missing', async () => {
    const order = await h.workedOrder();
    const { agreementId } = await h.sentForm(order);
    h.fake.setStatus(agreementId, 'CANCELLED');
    expect(await call('GET', path(order.id), 'technician')).toMatchObject({ status: 409, body: { reason: 'agreement-not-signable' } });
    const noEmail = await h.workedOrder();
    await h.sentForm(noEmail);
    await h.db.query('UPDATE orders.customers SET email = NULL WHERE id = $1', [noEmail.customerId]);
    expect(await call('GET', path(noEmail.id), 'technician')).toMatchObject({ status: 409, body: { reason: 'signer-email-missing' } });
  });

  it("when another provider's technician, a provider admin, an operator or nobody asks, then 404, 403, 403 and 401", async () => {
    const order = await h.workedOrder({ providerId: DEV_PROVIDER_B_ID, technicianId: TECH_2 });
    await h.sentForm(order);
    for (const user of ['technician', 'technician-fr'] as const) expect((await call('GET', path(order.id), user)).status).toBe(404);
    expect((await call('GET', path(order.id), 'provider-admin-b')).status).toBe(403);
    expect((await call('GET', path(order.id), 'operator-es')).status).toBe(403);
    expect((await call('GET', path(order.id), undefined)).status).toBe(401);
    expect((await call('GET', path(order.id), 'technician-b')).status).toBe(200);
  });

  it('when the signer is neither customer nor technician, then 400 naming query.signer', async () => {
    const order = await h.workedOrder();
    const answer = await call('GET', path(order.id, 'store'), 'technician');
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_input' } });
    expect(answer.body.issues).toEqual([expect.objectContaining({ field: 'query.signer' })]);
  });
});
