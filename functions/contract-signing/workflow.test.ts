import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { esignNotificationReceived, salesOrderCreated, serviceOrderCreated } from '../../events';
import { EngineClock } from '../../mesh/engine/clock';
import type { ESignature } from '../../shared/esign';
import { useAdobeSignWorld } from '../../shared/esign/testing-adapter';
import { makeLocalObjectStore } from '../../shared/object-storage';
import { tempo } from '../../test/fixtures/sales';
import { unique } from '../../test/support/db';
import { useTestEngine } from '../../test/support/engine';
import { eventually } from '../../test/support/eventually';
import { cloudEvent, postEvent, startFunction } from '../../test/support/function-server';
import { useIsolatedDb } from '../../test/support/isolated-db';
import { memoryLogger } from '../../test/support/logger';
import { contractDocumentsFunction } from '../contract-documents/function';
import { contractStartFunction } from '../contract-start/function';
import { esignNotificationsFunction } from '../esign-notifications/function';
import { orderIntakeFunction } from '../order-intake/function';
import { contractSigningFunction } from './function';

// bpmn/contract.bpmn end to end in the embedded engine, with the real contract-start,
// contract-documents, contract-signing and esign-notifications functions, Adobe Sign faked at
// its REST API, and the workflow messages relayed as workflow-messages does.

const db = useIsolatedDb();
const world = useAdobeSignWorld();
const esign = new Proxy({} as ESignature, {
  get(_target, name) {
    const value = (world.esign as unknown as Record<string | symbol, unknown>)[name];
    return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(world.esign) : value;
  },
});
const dir = mkdtempSync(path.join(tmpdir(), 'ahs-contract-flow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const store = makeLocalObjectStore({ root: dir });
const logger = memoryLogger();
const clock = new EngineClock();
const now = () => new Date(clock.now());
const urls = {
  'contract-documents': await startFunction('contract-documents', contractDocumentsFunction({ db, logger, esign, store, clock: now })),
  'contract-signing': await startFunction('contract-signing', contractSigningFunction({ db, logger, esign, store, clock: now })),
} as Record<string, string>;
const intakeUrl = await startFunction('order-intake', orderIntakeFunction({ db, logger }));
const startUrl = await startFunction('contract-start', contractStartFunction({ db, logger }));
const notificationsUrl = await startFunction('esign-notifications', esignNotificationsFunction({ db, logger, esign }));
const flow = useTestEngine(db, { logger, clock, workers: urls });
const { relay } = flow;

/** A Warsaw door sale (no TV): intake, then contract-start hears the order's creation. */
async function sell(): Promise<string> {
  const sale = tempo('tempo-created-pl', unique());
  await postEvent(intakeUrl, cloudEvent({ type: salesOrderCreated.type, source: '/sales/test', data: sale }));
  const {
    rows: [row],
  } = await db.query<{ event_id: string; data: { serviceOrderId: string } }>(
    `SELECT x.event_id, x.data FROM platform.outbox x JOIN orders.service_orders o ON o.id::text = x.partition_key
      WHERE o.sales_order_id = $1 AND x.type = $2`,
    [sale.sale.sale_ref, serviceOrderCreated.type],
  );
  const orderId = row!.data.serviceOrderId;
  await postEvent(startUrl, cloudEvent({ type: serviceOrderCreated.type, source: '/functions/order-intake', id: row!.event_id, data: row!.data }));
  await relay(orderId);
  return orderId;
}

const contractOf = (orderId: string) =>
  eventually(
    async () => {
      await flow.engine.idle();
      const { rows } = await db.query<{ id: string; status: string; agreement_id: string | null; attempt: number }>(
        'SELECT id, status, agreement_id, attempt FROM contracts.contracts WHERE service_order_id = $1',
        [orderId],
      );
      return rows[0];
    },
    15_000,
    25,
  );
const contractIn = (orderId: string, status: string) =>
  eventually(
    async () => {
      const c = await contractOf(orderId);
      return c.status === status ? c : undefined;
    },
    15_000,
    25,
  );
const openTask = (orderId: string, elementId: string) =>
  eventually(
    async () => {
      await flow.engine.idle();
      const { rows } = await db.query<{ user_task_key: string; candidate_groups: string[] }>(
        `SELECT t.user_task_key::text, t.candidate_groups FROM engine.user_tasks t JOIN contracts.contracts k ON k.process_instance_key = t.process_instance_key::text
          WHERE k.service_order_id = $1 AND t.element_id = $2 AND t.state = 'CREATED'`,
        [orderId, elementId],
      );
      return rows[0];
    },
    15_000,
    25,
  );
const orderContractStatus = (orderId: string, status: string) =>
  eventually(
    async () => {
      await flow.engine.idle();
      const { rows } = await db.query<{ contract_status: string }>('SELECT contract_status FROM orders.service_orders WHERE id = $1', [orderId]);
      return rows[0]?.contract_status === status ? status : undefined;
    },
    15_000,
    25,
  );

/** Adobe's webhook, as esign-webhooks stores and announces it. */
async function notify(agreementId: string, event: string) {
  const answer = await postEvent(
    notificationsUrl,
    cloudEvent({
      type: esignNotificationReceived.type,
      source: '/functions/esign-webhooks',
      data: { webhookNotificationId: randomUUID(), agreementId, event, eventDate: now().toISOString() },
    }),
  );
  expect(answer.status).toBe(200);
}

/** The customer signs at Adobe: the agreement is SIGNED, its events recorded, the webhook posted. */
async function customerSigns(contract: { id: string; agreement_id: string | null }) {
  const agreementId = contract.agreement_id!;
  world.fake.recordEvent(agreementId, {
    type: 'ESIGNED',
    participantEmail: 'a.kowalska@example.pl',
    actingUserEmail: 'a.kowalska@example.pl',
    actingUserIpAddress: '203.0.113.9',
    description: 'Document e-signed by a.kowalska@example.pl',
  });
  world.fake.setStatus(agreementId, 'SIGNED');
  await notify(agreementId, 'AGREEMENT_WORKFLOW_COMPLETED');
  await relay(contract.id);
}

describe('bpmn/contract.bpmn end to end', () => {
  it('when the customer signs, then the signed PDF and audit trail are kept, the audit events stored as data, and the installation released', async () => {
    const orderId = await sell();
    const sent = await contractIn(orderId, 'out-for-signature');
    expect(await orderContractStatus(orderId, 'awaiting-signature')).toBe('awaiting-signature');
    await customerSigns(sent);
    expect(await orderContractStatus(orderId, 'signed')).toBe('signed');
    const { rows: docs } = await db.query<{ kind: string }>('SELECT kind FROM contracts.documents WHERE contract_id = $1 ORDER BY kind', [sent.id]);
    expect(docs.map((d) => d.kind)).toEqual(['audit-trail', 'draft', 'signed']);
    const { rows: events } = await db.query('SELECT type, participant_role, ip_address, description FROM contracts.agreement_events WHERE contract_id = $1', [
      sent.id,
    ]);
    expect(events).toContainEqual({ type: 'ESIGNED', participant_role: 'customer', ip_address: '203.0.113.9', description: 'Document e-signed by <customer>' });
    expect(JSON.stringify(events)).not.toMatch(/kowalska/);
    const { rows: signed } = await db.query(`SELECT data FROM platform.outbox WHERE type = 'ahs.contracts.contract.signed' AND partition_key = $1`, [orderId]);
    expect(signed).toHaveLength(1);
  });

  it('when the customer declines, then an operator of the store follows up; a re-send is a second agreement, signed, and releases the installation', async () => {
    const orderId = await sell();
    const first = await contractIn(orderId, 'out-for-signature');
    world.fake.setStatus(first.agreement_id!, 'CANCELLED');
    await notify(first.agreement_id!, 'AGREEMENT_REJECTED');
    await relay(first.id);
    const task = await openTask(orderId, 'follow-up-contract');
    expect(task.candidate_groups).toEqual(['operators', 'country:PL', 'bu:PL-MAZOWIECKIE', 'store:PL-WAW-0021']);
    await flow.engine.completeUserTask(task.user_task_key, { decision: 'resend', note: 'the customer asked for a new link' });
    const second = await eventually(async () => {
      const c = await contractOf(orderId);
      return c.status === 'out-for-signature' && c.attempt === 2 ? c : undefined;
    });
    expect(second.agreement_id).not.toBe(first.agreement_id);
    await customerSigns(second);
    expect(await orderContractStatus(orderId, 'signed')).toBe('signed');
  });

  it('when Adobe Sign stays unavailable, then after the retries an operator gets the paper signature task; a scan signs the contract', async () => {
    world.fake.inject(...Array.from({ length: 40 }, () => ({ status: 503, body: { code: 'SERVICE_UNAVAILABLE', message: 'down for maintenance' } })));
    const orderId = await sell();
    const task = await eventually(
      async () => {
        clock.pin(clock.now() + 600_000);
        await flow.engine.idle();
        const { rows } = await db.query<{ user_task_key: string }>(
          `SELECT t.user_task_key::text FROM engine.user_tasks t JOIN contracts.contracts k ON k.process_instance_key = t.process_instance_key::text
            WHERE k.service_order_id = $1 AND t.element_id = 'sign-on-paper' AND t.state = 'CREATED'`,
          [orderId],
        );
        return rows[0];
      },
      20_000,
      50,
    );
    clock.reset();
    const contract = await contractIn(orderId, 'esign-unavailable');
    const {
      rows: [scan],
    } = await db.query<{ id: string }>(
      `INSERT INTO contracts.documents (contract_id, kind, object_key, sha256, size_bytes, content_type, retention_class)
       VALUES ($1, 'paper-scan', $2, $3, 2048, 'application/pdf', 'contract-10y') RETURNING id`,
      [contract.id, `contracts/${contract.id}/paper-scan-0000000000000000.pdf`, 'b'.repeat(64)],
    );
    await flow.engine.completeUserTask(task.user_task_key, { decision: 'paper', paperScanDocumentId: scan!.id });
    expect(await orderContractStatus(orderId, 'signed')).toBe('signed');
    const { rows } = await db.query('SELECT signature_method FROM contracts.contracts WHERE id = $1', [contract.id]);
    expect(rows).toEqual([{ signature_method: 'paper' }]);
  });

  it('when the contract is above the approval amount, then a store manager approves it before it is sent; not approved, it is closed and the installation stays blocked', async () => {
    await db.query(`UPDATE contracts.country_settings SET approval_threshold_minor = 100000 WHERE country_code = 'PL'`);
    try {
      const approvedOrder = await sell();
      const approval = await openTask(approvedOrder, 'approve-contract');
      expect((await contractOf(approvedOrder)).status).toBe('drafted');
      await flow.engine.completeUserTask(approval.user_task_key, { approved: true, approvalNote: 'price checked with the customer' });
      expect((await contractIn(approvedOrder, 'out-for-signature')).agreement_id).toBeTruthy();

      const refusedOrder = await sell();
      await flow.engine.completeUserTask((await openTask(refusedOrder, 'approve-contract')).user_task_key, {
        approved: false,
        approvalNote: 'discount not allowed',
      });
      await contractIn(refusedOrder, 'not-approved');
      expect(await orderContractStatus(refusedOrder, 'cancelled')).toBe('cancelled');
    } finally {
      await db.query(`UPDATE contracts.country_settings SET approval_threshold_minor = 2150000 WHERE country_code = 'PL'`);
    }
  });

  it('when unsigned, then the customer is reminded; expired, told, and the operators follow up; a recall by an operator closes the contract', async () => {
    const expiring = await sell();
    const sent = await contractIn(expiring, 'out-for-signature');
    const told = async () =>
      (
        await db.query<{ template: string }>(
          `SELECT data->>'templateId' AS template FROM platform.outbox WHERE type = 'ahs.notify.message.requested' AND partition_key = $1 ORDER BY id`,
          [expiring],
        )
      ).rows.map((r) => r.template);
    clock.pin(clock.now() + 3 * 86_400_000 + 60_000);
    await eventually(async () => ((await told()).includes('contract.signature-reminder') ? true : undefined), 15_000, 50);
    clock.reset();
    world.fake.setStatus(sent.agreement_id!, 'EXPIRED');
    await notify(sent.agreement_id!, 'AGREEMENT_EXPIRED');
    await relay(sent.id);
    await openTask(expiring, 'follow-up-contract');
    expect(await told()).toEqual(['contract.signature-reminder', 'contract.expired']);

    const recalled = await sell();
    const out = await contractIn(recalled, 'out-for-signature');
    await flow.engine.publishMessage({
      name: 'contract-agreement-settled',
      correlationKey: out.id,
      variables: { agreementId: out.agreement_id, agreementStatus: 'RECALLED' },
      messageId: `contract-recalled:${out.agreement_id}`,
      timeToLiveMs: 60_000,
    });
    await contractIn(recalled, 'recalled');
    expect(await orderContractStatus(recalled, 'cancelled')).toBe('cancelled');
  });
});
