import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { salesOrderCreated, salesOrderUpdated } from '../../events';
import type { Db } from '../../shared/db';
import { jobToCloudEvent, type Job } from '../../shared/workflow';
import { orderIntakeFunction } from '../../functions/order-intake/function';
import { pyxis, tempo, type PyxisFixture, type TempoFixture } from '../fixtures/sales';
import { unique } from './db';
import { cloudEvent, postEvent, startFunction, type Answer } from './function-server';
import { memoryLogger } from './logger';

/**
 * What the technical-visit tests share: service orders created the way production creates
 * them (a sale posted to the real order-intake function), visits written straight to the
 * tv tables, jobs as the bridge sends them, and a Workflows fake that records messages.
 */

export interface SoldOrder {
  id: string;
  customerId: string;
  salesOrderId: string;
}

/** Serves order-intake for this file; `sell` creates an order (a Pyxis ES kitchen needs a TV). */
export async function useOrderSeller(db: Db) {
  const url = await startFunction('order-intake', orderIntakeFunction({ db, logger: memoryLogger() }));
  return async function sell(fixture: PyxisFixture | TempoFixture = 'pyxis-created', cancelled = false): Promise<SoldOrder> {
    const suffix = unique();
    const message = fixture.startsWith('pyxis') ? pyxis(fixture as PyxisFixture, suffix) : tempo(fixture as TempoFixture, suffix);
    const answer = await postEvent(url, cloudEvent({ type: salesOrderCreated.type, source: '/sales/test', id: randomUUID(), data: message }));
    expect(answer.body).toMatchObject({ result: 'applied' });
    const [system, ref] = 'header' in message ? ['PYXIS', message.order.orderNumber] : ['TEMPO', message.sale.sale_ref];
    if (cancelled && 'header' in message) {
      const update = pyxis('pyxis-updated', suffix);
      update.order.status = 'CANCELLED';
      await postEvent(url, cloudEvent({ type: salesOrderUpdated.type, source: '/sales/test', id: randomUUID(), data: update }));
    }
    const { rows } = await db.query<{ id: string; customer_id: string }>(
      'SELECT id, customer_id FROM orders.service_orders WHERE sales_system = $1 AND sales_order_id = $2',
      [system, ref],
    );
    expect(rows).toHaveLength(1);
    return { id: rows[0]!.id, customerId: rows[0]!.customer_id, salesOrderId: ref };
  };
}

let jobCounter = 0;
/** A job as the bridge delivers it, with a fresh job key and (unless given) process instance key. */
export function job(type: string, variables: Record<string, unknown>, over: Partial<Job> = {}): Job {
  jobCounter += 1;
  const key = `${Date.now()}${String(jobCounter).padStart(4, '0')}`;
  return {
    key,
    type,
    processInstanceKey: `9${key}`,
    bpmnProcessId: 'technical-visit',
    elementId: type,
    retries: 5,
    deadline: Date.now() + 60_000,
    variables,
    customHeaders: {},
    ...over,
  };
}

/** POSTs a job to a worker function as the bridge does (binary CloudEvent). */
export function postJob(url: string, j: Job): Promise<Answer> {
  return postEvent(url, jobToCloudEvent(j, '/functions/job-bridge'));
}

export interface PublishedMessage {
  name: string;
  correlationKey: string;
  variables: Record<string, unknown>;
  messageId: string | undefined;
}

/** The workflow messages a function requested through its outbox (platform.workflow-message.requested), oldest first. */
export async function requestedMessages(db: Db, correlationKey: string): Promise<PublishedMessage[]> {
  const { rows } = await db.query<{ data: { name: string; correlationKey: string; messageId: string; variables: Record<string, unknown> } }>(
    `SELECT data FROM platform.outbox WHERE type = 'ahs.platform.workflow-message.requested' AND partition_key = $1 ORDER BY id`,
    [correlationKey],
  );
  return rows.map(({ data }) => ({ name: data.name, correlationKey: data.correlationKey, variables: data.variables, messageId: data.messageId }));
}

/** Outbox rows of one order, oldest first. */
export async function outboxOf(db: Db, serviceOrderId: string) {
  const { rows } = await db.query<{ type: string; data: Record<string, unknown>; partition_key: string }>(
    'SELECT type, data, partition_key FROM platform.outbox WHERE partition_key = $1 ORDER BY id',
    [serviceOrderId],
  );
  return rows;
}

export interface VisitSeed {
  status?: 'scheduled' | 'completed' | 'cancelled';
  technician?: string;
  providerId?: string;
  outcome?: 'YES' | 'YES_BUT' | 'NO';
  adjustments?: { lines: unknown[]; extraCostMinor: number; currency: string; answerDeadline?: Date | null; answer?: 'accepted' | 'refused' };
}

/** Writes a visit (and its adjustments) straight to the tv tables, for the HTTP functions' tests. */
export async function seedVisit(db: Db, serviceOrderId: string, seed: VisitSeed = {}): Promise<string> {
  const id = randomUUID();
  const status = seed.status ?? 'scheduled';
  const assigned = seed.technician !== undefined;
  await db.query(
    `INSERT INTO tv.visits (id, service_order_id, process_instance_key, status, due_by, technician_subject, provider_id,
                            appointment_at, outcome, recorded_by, recorded_at)
     VALUES ($1, $2, $3, $4, NOW() + INTERVAL '5 days', $5, $6, $7, $8, $9, $10)`,
    [
      id,
      serviceOrderId,
      `9${Date.now()}${Math.floor(Math.random() * 1e6)}`,
      status,
      seed.technician ?? null,
      assigned ? (seed.providerId ?? randomUUID()) : null,
      assigned ? new Date(Date.now() + 86_400_000) : null,
      status === 'completed' ? (seed.outcome ?? 'YES') : null,
      status === 'completed' ? (seed.technician ?? 'someone') : null,
      status === 'completed' ? new Date() : null,
    ],
  );
  const a = seed.adjustments;
  if (a) {
    const deadline = a.answerDeadline === undefined ? new Date(Date.now() + 7 * 86_400_000) : a.answerDeadline;
    await db.query(
      `INSERT INTO tv.adjustments (visit_id, service_order_id, lines, extra_cost_minor, currency, approval_requested_at,
                                   answer_deadline, customer_answer, answered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        id,
        serviceOrderId,
        JSON.stringify(a.lines),
        a.extraCostMinor,
        a.currency,
        deadline ? new Date() : null,
        deadline,
        a.answer ?? null,
        a.answer ? new Date() : null,
      ],
    );
  }
  return id;
}
