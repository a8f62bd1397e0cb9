import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contractJob, useContractsWorld } from '../../test/support/contracts';
import { useTestDb } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import { outboxOf, postJob } from '../../test/support/tv';
import { contractSigningFunction } from './function';

const db = useTestDb();
const w = await useContractsWorld(db);
const url = await startFunction('contract-signing', contractSigningFunction({ db, logger: memoryLogger(), esign: w.esign, store: w.store }));

const send = (contractId: string, orderId: string, retries = 6) => postJob(url, contractJob('contract-send', { contractId, orderId }, { retries }));
const statusOf = async (contractId: string) =>
  (await db.query<{ status: string; attempt: number }>('SELECT status, attempt FROM contracts.contracts WHERE id = $1', [contractId])).rows[0];
const orderContractStatus = async (orderId: string) =>
  (await db.query<{ contract_status: string }>('SELECT contract_status FROM orders.service_orders WHERE id = $1', [orderId])).rows[0]?.contract_status;
const eventsOf = async (orderId: string, prefix: string) => (await outboxOf(db, orderId)).filter((e) => e.type.startsWith(prefix));

async function drafted(fixture: 'pyxis-created' | 'pyxis-created-fr-store' | 'tempo-created-pl' = 'pyxis-created') {
  const order = await w.sell(fixture);
  const { contractId } = await w.draft(order.id);
  return { order, contractId };
}

describe('contract-signing: contract-send', () => {
  it('when a drafted contract is sent, then one agreement goes to the customer with the draft PDF, keyed by contract and attempt, and is recorded', async () => {
    const { order, contractId } = await drafted();
    const answer = await send(contractId, order.id);
    expect(answer.status).toBe(200);
    const { agreementId } = (answer.body as { variables: { agreementId: string } }).variables;
    const agreement = w.world.fake.agreements.get(agreementId)!;
    expect(agreement.body).toMatchObject({
      name: `Contrato de servicio ${order.salesOrderId}`,
      externalId: { id: `${contractId}:1` },
      participantSetsInfo: [{ order: 1, role: 'SIGNER', memberInfos: [{ email: 'lucia.garcia@example.es' }] }],
      reminderFrequency: 'EVERY_OTHER_DAY_UNTIL_SIGNED',
    });
    expect(await statusOf(contractId)).toEqual({ status: 'out-for-signature', attempt: 1 });
    const { rows } = await db.query('SELECT contract_key, contract_id, service_order_id, status FROM contracts.agreements WHERE agreement_id = $1', [
      agreementId,
    ]);
    expect(rows).toEqual([{ contract_key: `${contractId}:1`, contract_id: contractId, service_order_id: order.id, status: 'OUT_FOR_SIGNATURE' }]);

    // A retried job (a new job key): the same agreement answers, nothing is created at Adobe again.
    expect(await send(contractId, order.id)).toEqual(answer);
    expect(w.world.fake.agreements.size).toBe(1);
  });

  it('when the contract is above the country amount in France, then the customer signs with a one-time SMS code on their number', async () => {
    const { order, contractId } = await drafted('pyxis-created-fr-store');
    const answer = await send(contractId, order.id);
    const { agreementId } = (answer.body as { variables: { agreementId: string } }).variables;
    expect(w.world.fake.agreements.get(agreementId)!.body).toMatchObject({
      participantSetsInfo: [
        {
          memberInfos: [
            { email: 'camille.bernard@example.fr', securityOption: { authenticationMethod: 'PHONE', phoneInfo: { countryCode: '+33', phone: '612345678' } } },
          ],
        },
      ],
    });
  });

  it("when Adobe answers 429, then 503 carrying Adobe's retryAfter and nothing changes; on the job's last retry, ESIGN_UNAVAILABLE for an operator", async () => {
    const { order, contractId } = await drafted();
    w.world.fake.throttleNext(45);
    expect(await send(contractId, order.id)).toMatchObject({ status: 503, body: { retryAfterMs: 45_000 } });
    expect(await statusOf(contractId)).toEqual({ status: 'drafted', attempt: 0 });
    w.world.fake.throttleNext(45);
    expect(await send(contractId, order.id, 1)).toMatchObject({ status: 422, body: { errorCode: 'ESIGN_UNAVAILABLE' } });
    expect(await statusOf(contractId)).toMatchObject({ status: 'esign-unavailable' });
    // The operator asks to try again: the same attempt's key, so an agreement Adobe made meanwhile is found, not duplicated.
    const retried = await send(contractId, order.id);
    expect(retried.status).toBe(200);
    expect(await statusOf(contractId)).toEqual({ status: 'out-for-signature', attempt: 1 });
  });

  it('when the order was cancelled while the contract waited (approval, an operator), then ORDER_NOT_ACTIVE and nothing is sent', async () => {
    const { order, contractId } = await drafted();
    await db.query(`UPDATE orders.service_orders SET status = 'CANCELLED' WHERE id = $1`, [order.id]);
    expect(await send(contractId, order.id)).toMatchObject({ status: 422, body: { errorCode: 'ORDER_NOT_ACTIVE' } });
    expect(w.world.fake.agreements.size).toBe(0);
  });

  it('when the customer gave no email address, then ESIGN_UNAVAILABLE (paper) without calling Adobe', async () => {
    const { order, contractId } = await drafted();
    await db.query('UPDATE orders.customers SET email = NULL WHERE id = $1', [order.customerId]);
    expect(await send(contractId, order.id)).toMatchObject({ status: 422, body: { errorCode: 'ESIGN_UNAVAILABLE' } });
    expect(w.world.fake.agreements.size).toBe(0);
  });

  it('when the last agreement was declined and the operator re-sends, then a second agreement under the key of attempt 2', async () => {
    const { order, contractId } = await drafted('tempo-created-pl');
    await send(contractId, order.id);
    await db.query(`UPDATE contracts.contracts SET status = 'declined' WHERE id = $1`, [contractId]);
    const answer = await send(contractId, order.id);
    const { agreementId } = (answer.body as { variables: { agreementId: string } }).variables;
    expect(w.world.fake.agreements.get(agreementId)!.body).toMatchObject({
      name: `Umowa serwisowa ${order.salesOrderId}`,
      externalId: { id: `${contractId}:2` },
    });
    expect(w.world.fake.agreements.size).toBe(2);
  });
});

describe('contract-signing: reminders, paper, release, close', () => {
  it('when a reminder is due while the contract awaits the signature, then the customer is asked by email; once settled, nothing is sent', async () => {
    const { order, contractId } = await drafted();
    await send(contractId, order.id);
    const remind = (reminder: string) => postJob(url, contractJob('contract-remind', { contractId, orderId: order.id, reminder }));
    expect((await remind('awaiting-signature')).status).toBe(200);
    await db.query(`UPDATE contracts.contracts SET status = 'expired' WHERE id = $1`, [contractId]);
    expect((await remind('awaiting-signature')).status).toBe(200);
    expect((await remind('expired')).status).toBe(200);
    const messages = await eventsOf(order.id, 'ahs.notify');
    expect(messages.map((m) => [m.data.channel, m.data.templateId, m.data.locale])).toEqual([
      ['email', 'contract.signature-reminder', 'es'],
      ['email', 'contract.expired', 'es'],
    ]);
    expect(JSON.stringify(messages)).not.toMatch(/lucia|@example/i);
  });

  it('when the operator names no scan or another contract’s document, then PAPER_SCAN_MISSING; with its scan, the contract is signed on paper and released', async () => {
    const { order, contractId } = await drafted();
    const record = (paperScanDocumentId?: string) =>
      postJob(url, contractJob('contract-record-paper', { contractId, orderId: order.id, ...(paperScanDocumentId ? { paperScanDocumentId } : {}) }));
    expect(await record()).toMatchObject({ status: 422, body: { errorCode: 'PAPER_SCAN_MISSING' } });
    expect(await record(randomUUID())).toMatchObject({ status: 422, body: { errorCode: 'PAPER_SCAN_MISSING' } });
    expect(await record('the scan is on my desk')).toMatchObject({ status: 422, body: { errorCode: 'PAPER_SCAN_MISSING' } });
    const {
      rows: [scan],
    } = await db.query<{ id: string }>(
      `INSERT INTO contracts.documents (contract_id, kind, object_key, sha256, size_bytes, content_type, retention_class)
       VALUES ($1, 'paper-scan', $2, $3, 1234, 'application/pdf', 'contract-10y') RETURNING id`,
      [contractId, `contracts/${contractId}/paper-scan-test.pdf`, 'a'.repeat(64)],
    );
    expect((await record(scan!.id)).status).toBe(200);
    const release = contractJob('contract-release', { contractId, orderId: order.id });
    expect((await postJob(url, release)).status).toBe(200);
    expect((await postJob(url, contractJob('contract-release', { contractId, orderId: order.id }))).status).toBe(200);
    expect(await orderContractStatus(order.id)).toBe('signed');
    const signed = await eventsOf(order.id, 'ahs.contracts.contract.signed');
    expect(signed.map((e) => e.data)).toEqual([
      { contractId, serviceOrderId: order.id, method: 'paper', agreementId: null, signedAt: expect.any(String) as unknown },
    ]);
  });

  it('when the contract is not signed, then releasing it is an incident and the installation stays blocked', async () => {
    const { order, contractId } = await drafted();
    expect(await postJob(url, contractJob('contract-release', { contractId, orderId: order.id }))).toMatchObject({
      status: 400,
      body: { code: 'contract-not-signed' },
    });
    expect(await orderContractStatus(order.id)).toBe('awaiting-signature');
  });

  it('when the order is cancelled while its agreement is out, then the agreement is recalled at Adobe and the contract closed, once', async () => {
    const { order, contractId } = await drafted();
    const sent = await send(contractId, order.id);
    const { agreementId } = (sent.body as { variables: { agreementId: string } }).variables;
    const close = () => postJob(url, contractJob('contract-close', { contractId, orderId: order.id, closure: 'order-cancelled' }));
    expect((await close()).status).toBe(200);
    expect((await close()).status).toBe(200);
    expect(w.world.fake.agreements.get(agreementId)!.status).toBe('CANCELLED');
    expect(await statusOf(contractId)).toMatchObject({ status: 'cancelled' });
    expect(await orderContractStatus(order.id)).toBe('cancelled');
    expect((await eventsOf(order.id, 'ahs.contracts.contract.closed')).map((e) => e.data.closure)).toEqual(['order-cancelled']);
  });

  it('when an operator cancels after a decline, then the customer is told and the installation stays blocked as cancelled', async () => {
    const { order, contractId } = await drafted('tempo-created-pl');
    expect((await postJob(url, contractJob('contract-close', { contractId, orderId: order.id, closure: 'cancelled' }))).status).toBe(200);
    expect((await eventsOf(order.id, 'ahs.notify')).map((m) => [m.data.templateId, m.data.locale])).toEqual([['contract.cancelled', 'pl']]);
    expect(await orderContractStatus(order.id)).toBe('cancelled');
  });
});
