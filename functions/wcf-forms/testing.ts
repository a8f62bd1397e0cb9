import { expect } from 'vitest';
import type { Db } from '../../shared/db';
import type { Job } from '../../shared/workflow';
import { useContractsWorld } from '../../test/support/contracts';
import { startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import { job, postJob } from '../../test/support/tv';
import { seedWorkedOrder } from '../../test/support/wcf';
import { wcfFormsFunction } from './function';

export const LINK = { secret: 'wcf-forms-test-link-secret-0123456789abcdef', baseUrl: 'https://ahs.example/wcf/answers' };

/**
 * wcf-forms served against the test database, Adobe Sign faked afresh per test (world.fake behind
 * the real adapter), a local object store; worked orders as wcf-start leaves them (wcf.requests).
 */
export async function startWcfFormsHarness(db: Db) {
  const { world, store, esign, sell } = await useContractsWorld(db);
  const url = await startFunction('wcf-forms', wcfFormsFunction({ db, logger: memoryLogger(), esign, store, link: LINK, clock: () => new Date(world.now) }));

  const run = (type: string, variables: Record<string, unknown>, over: Partial<Job> = {}) =>
    postJob(url, job(type, variables, { bpmnProcessId: 'work-closing', ...over }));

  async function workedOrder(options: Parameters<typeof seedWorkedOrder>[2] = {}) {
    const order = await seedWorkedOrder(db, sell, options);
    await db.query('INSERT INTO wcf.requests (service_order_id, appointment_id, work_completed_at) VALUES ($1, $2, $3)', [
      order.id,
      order.appointmentId,
      order.checkedOutAt,
    ]);
    return order;
  }

  /** Opens the order's closing form as the workflow's first task does. */
  async function open(orderId: string, over: Partial<Job> = {}) {
    const answer = await run('wcf-open', { orderId }, over);
    expect(answer.status).toBe(200);
    return (answer.body as { variables: Record<string, unknown> }).variables as { formId: string } & Record<string, unknown>;
  }

  /** What the customer answers (the wcf function does it over HTTP; here as its transaction writes it). */
  async function answer(formId: string, answer: 'accepted' | 'accepted-with-reserves' | 'rejected') {
    await db.query(
      `UPDATE wcf.forms SET status = 'answered', answer = $2::text, answered_at = NOW(), answered_via = 'customer-link',
              rejection_reason = CASE WHEN $2::text = 'rejected' THEN 'Not what was sold' END WHERE id = $1`,
      [formId, answer],
    );
    if (answer === 'accepted-with-reserves') {
      await db.query(
        `INSERT INTO wcf.reserves (form_id, service_order_id, seq, origin, description, location)
         SELECT id, service_order_id, 1, 'customer', 'Cabinet door misaligned', 'Kitchen, north wall' FROM wcf.forms WHERE id = $1`,
        [formId],
      );
    }
  }

  return { world, store, sell, url, run, workedOrder, open, answer };
}
