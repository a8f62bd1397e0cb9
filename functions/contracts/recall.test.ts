import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startContractsHarness } from './testing';

const h = await startContractsHarness();
const { db, identity, call, fake } = h;

/** An ES order with a contract whose agreement is out for signature at (fake) Adobe. */
async function outForSignature() {
  const order = (await h.sell('pyxis-created')).id;
  const agreementId = await h.sendAgreement(`contract-${randomUUID()}`);
  const contract = await h.seedContract(order, { status: 'out-for-signature', agreement: { id: agreementId } });
  return { order, contract, agreementId };
}

const ourStatus = async (agreementId: string) =>
  (await db.query<{ status: string }>('SELECT status FROM contracts.agreements WHERE agreement_id = $1', [agreementId])).rows[0]?.status;

describe('contracts POST /:contractId/recall', () => {
  it('when the agreement is out for signature, then Adobe cancels it (comment, participants told), ours is RECALLED and the workflow is told', async () => {
    const { contract, agreementId } = await outForSignature();
    const answer = await call('POST', `/${contract}/recall`, await identity.bearer('operator-es'), { comment: 'El cliente pidió cambios' });
    expect(answer).toMatchObject({ status: 200, body: { contractId: contract, agreementId, agreementStatus: 'RECALLED' } });
    expect(fake.agreements.get(agreementId)).toMatchObject({ status: 'CANCELLED', cancellation: { comment: 'El cliente pidió cambios', notifyOthers: true } });
    expect(await ourStatus(agreementId)).toBe('RECALLED');
    expect(await h.messagesFor(contract)).toEqual([
      {
        name: 'contract-agreement-settled',
        correlationKey: contract,
        variables: { agreementId, agreementStatus: 'RECALLED' },
        messageId: `contract-recalled:${agreementId}`,
      },
    ]);
  });

  it('when the app retries with the same Idempotency-Key, then the first answer comes back and nothing is done twice; a new key is 409', async () => {
    const { contract, agreementId } = await outForSignature();
    const bearer = await identity.bearer('operator-es');
    const key = `recall-${randomUUID()}`;
    const first = await call('POST', `/${contract}/recall`, bearer, { comment: 'duplicado' }, key);
    const again = await call('POST', `/${contract}/recall`, bearer, { comment: 'duplicado' }, key);
    expect(first.status).toBe(200);
    expect(again).toMatchObject({ status: 200, body: first.body });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await h.messagesFor(contract)).toHaveLength(1);
    expect(fake.requests.filter((r) => r.method === 'PUT' && r.path.includes(agreementId))).toHaveLength(1);
    const fresh = await call('POST', `/${contract}/recall`, bearer, { comment: 'otra vez' });
    expect(fresh).toMatchObject({ status: 409, body: { reason: 'contract-not-out-for-signature' } });
  });

  it('when our contract is signed, then 409 agreement-not-cancellable and Adobe is not asked', async () => {
    const order = (await h.sell('pyxis-created')).id;
    const agreementId = await h.sendAgreement(`contract-${randomUUID()}`);
    const contract = await h.seedContract(order, { status: 'signed', agreement: { id: agreementId } });
    const answer = await call('POST', `/${contract}/recall`, await identity.bearer('operator-es'), { comment: 'tarde' });
    expect(answer).toMatchObject({ status: 409, body: { error: 'conflict', reason: 'agreement-not-cancellable' } });
    expect(fake.agreements.get(agreementId)?.status).toBe('OUT_FOR_SIGNATURE');
    expect(await h.messagesFor(contract)).toEqual([]);
  });

  it('when Adobe says the agreement is already signed (its webhook not processed yet), then 409 agreement-not-cancellable and ours stays out for signature', async () => {
    const { contract, agreementId } = await outForSignature();
    fake.setStatus(agreementId, 'SIGNED');
    const answer = await call('POST', `/${contract}/recall`, await identity.bearer('operator-es'), { comment: 'tarde' });
    expect(answer).toMatchObject({ status: 409, body: { reason: 'agreement-not-cancellable' } });
    expect(await ourStatus(agreementId)).toBe('OUT_FOR_SIGNATURE');
    expect(await h.messagesFor(contract)).toEqual([]);
  });

  it('when Adobe already cancelled it (an earlier try that did not commit), then the recall completes', async () => {
    const { contract, agreementId } = await outForSignature();
    fake.setStatus(agreementId, 'CANCELLED');
    const answer = await call('POST', `/${contract}/recall`, await identity.bearer('operator-es'), { comment: 'reintento' });
    expect(answer).toMatchObject({ status: 200, body: { agreementStatus: 'RECALLED' } });
    expect(await ourStatus(agreementId)).toBe('RECALLED');
  });

  it('when the contract is not out for signature, then 409 contract-not-out-for-signature', async () => {
    const order = (await h.sell('pyxis-created')).id;
    const contract = await h.seedContract(order, { status: 'drafted' });
    const answer = await call('POST', `/${contract}/recall`, await identity.bearer('operator-es'), { comment: 'nada' });
    expect(answer).toMatchObject({ status: 409, body: { reason: 'contract-not-out-for-signature' } });
  });

  it('when Adobe is unavailable, then 503 and nothing changes', async () => {
    const { contract, agreementId } = await outForSignature();
    fake.inject({ status: 503, body: { code: 'SERVICE_UNAVAILABLE', message: 'down' } });
    const answer = await call('POST', `/${contract}/recall`, await identity.bearer('operator-es'), { comment: 'caído' });
    expect(answer.status).toBe(503);
    expect(await ourStatus(agreementId)).toBe('OUT_FOR_SIGNATURE');
    expect(await h.messagesFor(contract)).toEqual([]);
  });

  it('when operator-fr recalls an ES contract, then 404 and Adobe is not asked', async () => {
    const { contract, agreementId } = await outForSignature();
    expect(await call('POST', `/${contract}/recall`, await identity.bearer('operator-fr'), { comment: 'no' })).toMatchObject({ status: 404 });
    expect(fake.agreements.get(agreementId)?.status).toBe('OUT_FOR_SIGNATURE');
  });

  it('when the comment is missing or blank, then 400 naming comment; without Idempotency-Key, then 400 naming it', async () => {
    const { contract } = await outForSignature();
    const bearer = await identity.bearer('operator-es');
    for (const body of [{}, { comment: '   ' }]) {
      const answer = await call('POST', `/${contract}/recall`, bearer, body);
      expect(answer.status).toBe(400);
      expect(answer.body.issues).toEqual([expect.objectContaining({ field: 'comment' })]);
    }
    const response = await fetch(`${h.url}/${contract}/recall`, {
      method: 'POST',
      headers: { authorization: bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ comment: 'sin clave' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ issues: [{ field: 'Idempotency-Key' }] });
  });
});
