import { describe, expect, it } from 'vitest';
import { verifyCustomerLink } from '../../shared/domain/customer-link';
import { only } from '../../shared/esign/testing-adapter';
import { useTestDb } from '../../test/support/db';
import { outboxOf } from '../../test/support/tv';
import { TECH_1 } from '../../test/support/wcf';
import { LINK, startWcfFormsHarness } from './testing';

const db = useTestDb();
const h = await startWcfFormsHarness(db);

const formOf = async (formId: string) =>
  (
    await db.query<{ status: string; attempt: number; agreement_id: string | null }>('SELECT status, attempt, agreement_id FROM wcf.forms WHERE id = $1', [
      formId,
    ])
  ).rows[0];
const messagesOf = async (orderId: string) =>
  (await outboxOf(db, orderId))
    .filter((e) => e.type === 'ahs.notify.message.requested')
    .map((e) => e.data as { templateId: string; parameters: Record<string, string> })
    .filter((m) => m.templateId.startsWith('wcf.'));

describe('wcf-forms', () => {
  it('when the closing form is opened, then it awaits the answer, the customer gets their signed link once, and the timers come from the country', async () => {
    const order = await h.workedOrder();
    const processInstanceKey = `9${Date.now()}`;
    const first = await h.open(order.id, { processInstanceKey });
    const again = await h.open(order.id, { processInstanceKey });
    expect(again).toEqual(first);
    expect(first).toMatchObject({ formKind: 'closing', answerReminderCycle: 'R4/P1D', answerTimeout: 'P5D', storeValidationTimeout: 'P3D' });
    expect(await formOf(first.formId)).toMatchObject({ status: 'awaiting-answer' });
    const [asked, ...more] = await messagesOf(order.id);
    expect(more).toEqual([]);
    expect(asked?.templateId).toBe('wcf.answer-requested');
    const token = asked!.parameters.answerUrl!.slice(LINK.baseUrl.length + 1);
    expect(verifyCustomerLink(LINK.secret, token, 'wcf-answer', new Date(h.world.now))).toMatchObject({ subjectId: first.formId, serviceOrderId: order.id });
  });

  it('when another workflow instance opens the closing form of the same order, then WCF_EXISTS and nothing new', async () => {
    const order = await h.workedOrder();
    await h.open(order.id);
    const answer = await h.run('wcf-open', { orderId: order.id });
    expect(answer.body).toMatchObject({ errorCode: 'WCF_EXISTS' });
    expect((await db.query('SELECT 1 FROM wcf.forms WHERE service_order_id = $1', [order.id])).rows).toHaveLength(1);
  });

  it('when the answered closing form is sent, then Adobe gets one agreement: customer, then technician, then the store approving; a retried job sends nothing more', async () => {
    const order = await h.workedOrder();
    const { formId } = await h.open(order.id);
    await h.answer(formId, 'accepted-with-reserves');
    const sent = await h.run('wcf-send', { formId });
    expect(sent).toMatchObject({ status: 200, body: { variables: { agreementId: expect.any(String) as unknown } } });
    expect((await h.run('wcf-send', { formId })).body).toEqual(sent.body);
    const agreement = only(h.world.fake.agreements.values());
    const sets = (agreement.body.participantSetsInfo as { memberInfos: { email: string }[]; order: number; role: string }[]).map((s) => [
      s.order,
      s.role,
      s.memberInfos[0]!.email,
    ]);
    expect(sets).toEqual([
      [1, 'SIGNER', expect.stringContaining('@') as unknown],
      [2, 'SIGNER', 'javier.ortega@reformas-castellana.example'],
      [3, 'APPROVER', expect.stringMatching(/@stores\.ahs\.example$/) as unknown],
    ]);
    expect(await formOf(formId)).toMatchObject({ status: 'out-for-signature', attempt: 1 });
    const { rows: docs } = await db.query<{ kind: string }>('SELECT kind FROM wcf.documents WHERE form_id = $1', [formId]);
    expect(docs.map((d) => d.kind)).toContain('sent');
    expect((await messagesOf(order.id)).map((m) => m.templateId)).toContain('wcf.to-sign');
  });

  it('when the technician has no email address Adobe can ask, then ESIGN_UNAVAILABLE naming them and nothing is sent', async () => {
    const order = await h.workedOrder();
    await db.query('UPDATE dispatch.technicians SET email = NULL WHERE id = $1', [TECH_1]);
    try {
      const { formId } = await h.open(order.id);
      await h.answer(formId, 'accepted');
      const answer = await h.run('wcf-send', { formId });
      expect(answer.body).toMatchObject({ errorCode: 'ESIGN_UNAVAILABLE', errorMessage: expect.stringContaining('technician') as unknown });
      expect(h.world.fake.agreements.size).toBe(0);
      expect(await formOf(formId)).toMatchObject({ status: 'esign-unavailable' });
    } finally {
      await db.query(`UPDATE dispatch.technicians SET email = 'javier.ortega@reformas-castellana.example' WHERE id = $1`, [TECH_1]);
    }
  });

  it('when the form is not answered yet, then sending it is an incident (400) and Adobe is not called', async () => {
    const order = await h.workedOrder();
    const { formId } = await h.open(order.id);
    expect((await h.run('wcf-send', { formId })).status).toBe(400);
    expect(h.world.fake.requests).toEqual([]);
  });

  it('when the customer and the technician signed and the store has not, then the store is overdue; before the technician signs it is not', async () => {
    const order = await h.workedOrder();
    const { formId } = await h.open(order.id);
    await h.answer(formId, 'accepted');
    const { agreementId } = ((await h.run('wcf-send', { formId })).body as { variables: { agreementId: string } }).variables;
    const customer = (
      await db.query<{ email: string }>('SELECT c.email FROM orders.customers c JOIN orders.service_orders o ON o.customer_id = c.id WHERE o.id = $1', [
        order.id,
      ])
    ).rows[0]!.email;
    h.world.fake.sign(agreementId, customer);
    expect((await h.run('wcf-check-validation', { formId, agreementId })).body).toMatchObject({ variables: { storeOverdue: false } });
    h.world.fake.sign(agreementId, 'javier.ortega@reformas-castellana.example');
    expect((await h.run('wcf-check-validation', { formId, agreementId })).body).toMatchObject({ variables: { storeOverdue: true } });
  });

  it('when a signed form is archived, then the signed PDF and the audit trail are kept and the form is signed, once', async () => {
    const order = await h.workedOrder();
    const { formId } = await h.open(order.id);
    await h.answer(formId, 'accepted');
    const { agreementId } = ((await h.run('wcf-send', { formId })).body as { variables: { agreementId: string } }).variables;
    h.world.fake.setStatus(agreementId, 'SIGNED');
    expect((await h.run('wcf-archive', { formId, agreementId })).status).toBe(200);
    expect((await h.run('wcf-archive', { formId, agreementId })).status).toBe(200);
    expect(await formOf(formId)).toMatchObject({ status: 'signed' });
    const { rows } = await db.query<{ kind: string }>(`SELECT kind FROM wcf.documents WHERE form_id = $1 AND kind <> 'sent' ORDER BY kind`, [formId]);
    expect(rows.map((r) => r.kind)).toEqual(['audit-trail', 'signed']);
  });

  it('when the customer has answered, then a reminder sends nothing; while unanswered it sends a fresh link', async () => {
    const order = await h.workedOrder();
    const { formId } = await h.open(order.id);
    await h.run('wcf-remind', { formId });
    await h.answer(formId, 'accepted');
    await h.run('wcf-remind', { formId });
    expect((await messagesOf(order.id)).map((m) => m.templateId)).toEqual(['wcf.answer-requested', 'wcf.answer-reminder']);
  });

  it('when a re-work round is lifted, then its lifting form is opened once, and the customer alone signs it', async () => {
    const order = await h.workedOrder();
    const { formId } = await h.open(order.id);
    await h.answer(formId, 'accepted-with-reserves');
    const reworkId = (
      await db.query<{ id: string }>(
        `INSERT INTO wcf.reworks (id, service_order_id, process_instance_key, round, origin, provider_id, deadline, status)
         VALUES (gen_random_uuid(), $1, $2, 1, 'reserves', $3, NOW() + INTERVAL '30 days', 'lifted') RETURNING id`,
        [order.id, `9${Date.now()}`, order.providerId],
      )
    ).rows[0]!.id;
    await db.query(`UPDATE wcf.reserves SET rework_id = $2, status = 'lifted', lifted_at = NOW(), lifted_by = $3 WHERE form_id = $1`, [
      formId,
      reworkId,
      TECH_1,
    ]);
    const opened = await h.run('wcf-open-lifting', { orderId: order.id, reworkId });
    expect((await h.run('wcf-open-lifting', { orderId: order.id, reworkId })).body).toEqual(opened.body);
    const lifting = (opened.body as { variables: { formId: string; formKind: string } }).variables;
    expect(lifting.formKind).toBe('lifting');
    expect((await h.run('wcf-send', { formId: lifting.formId })).status).toBe(200);
    const agreement = only(h.world.fake.agreements.values());
    expect((agreement.body.participantSetsInfo as unknown[]).length).toBe(1);
  });
});
