import { describe, expect, it } from 'vitest';
import { startWcfWorld } from './testing-workflow';

// bpmn/wcf.bpmn end to end: the closing form answered, signed by the customer, the technician and
// the store, the warranties started and the order closed; a reserves round lifted and confirmed;
// a rejection investigated into re-work, then disputed when the deadline passes.

const w = await startWcfWorld();

const closedAt = (orderId: string) =>
  w.until(
    async () =>
      (await w.db.query<{ closed_at: Date | null }>('SELECT closed_at FROM orders.service_orders WHERE id = $1', [orderId])).rows[0]?.closed_at ?? undefined,
  );
const warrantiesOf = async (orderId: string) =>
  (
    await w.db.query<{ code: string; starts_on: string; ends_on: string }>(
      `SELECT code, starts_on::text, ends_on::text FROM wcf.warranties WHERE service_order_id = $1 ORDER BY code`,
      [orderId],
    )
  ).rows;
const closedEvents = async (orderId: string) =>
  (await w.db.query(`SELECT data FROM platform.outbox WHERE type = 'ahs.orders.service-order.closed' AND partition_key = $1`, [orderId])).rows;

describe('bpmn/wcf.bpmn end to end', () => {
  it("when the customer accepts on the technician's device and everyone signs, then the form is kept, the warranties start and the order is closed once", async () => {
    const { order, formId } = await w.completeWork();
    expect((await w.call('POST', `/orders/${order.id}/answer`, 'technician', { answer: 'accepted' })).status).toBe(200);
    await w.everyoneSigns(formId);
    const closed = await closedAt(order.id);
    expect(closed).toBeInstanceOf(Date);
    const signedOn = closed.toISOString().slice(0, 10);
    const warranties = await warrantiesOf(order.id);
    expect(warranties.length).toBeGreaterThan(0);
    expect(warranties.every((x) => x.starts_on === signedOn)).toBe(true);
    expect(await closedEvents(order.id)).toHaveLength(1);
    const { rows: docs } = await w.db.query<{ kind: string }>('SELECT kind FROM wcf.documents WHERE form_id = $1 ORDER BY kind', [formId]);
    expect(docs.map((d) => d.kind)).toEqual(['audit-trail', 'sent', 'signed']);
  });

  it('when the customer answers with reserves from their link, then the warranties start, the provider lifts them, the customer signs the lifting form and the order is closed', async () => {
    const { order, formId } = await w.completeWork();
    const reserves = [
      { description: 'Cabinet door misaligned', location: 'Kitchen, north wall' },
      { description: 'Silicone joint unfinished', location: 'Kitchen, sink', photoRefs: ['photos/sink.jpg'] },
    ];
    const answered = await w.call('POST', `/answers/${w.customerLink(order.id, formId)}`, undefined, { answer: 'accepted-with-reserves', reserves });
    expect(answered.status).toBe(200);
    await w.everyoneSigns(formId);
    const rework = await w.until(
      async () =>
        (await w.db.query<{ id: string; deadline: Date }>(`SELECT id, deadline FROM wcf.reworks WHERE service_order_id = $1 AND status = 'open'`, [order.id]))
          .rows[0],
    );
    expect((await warrantiesOf(order.id)).length).toBeGreaterThan(0);
    expect((await w.db.query('SELECT closed_at FROM orders.service_orders WHERE id = $1', [order.id])).rows[0]).toEqual({ closed_at: null });
    const { rows: open } = await w.db.query<{ id: string }>('SELECT id FROM wcf.reserves WHERE rework_id = $1 ORDER BY seq', [rework.id]);
    expect(open).toHaveLength(2);
    for (const r of open)
      expect((await w.call('POST', `/reserves/${r.id}/lift`, 'technician', { note: 'fixed', photoRefs: ['photos/after.jpg'] })).status).toBe(200);
    const lifting = await w.until(async () => (await w.formsOf(order.id)).find((f) => f.kind === 'lifting' && f.status === 'out-for-signature'));
    await w.everyoneSigns(lifting.id);
    await closedAt(order.id);
    const { rows: confirmed } = await w.db.query<{ status: string }>('SELECT status FROM wcf.reserves WHERE service_order_id = $1', [order.id]);
    expect(confirmed.map((r) => r.status)).toEqual(['confirmed', 'confirmed']);
    expect(await closedEvents(order.id)).toHaveLength(1);
  });

  it('when the customer rejects the work, then an operator investigates into re-work; past its deadline the operator opens a dispute that stays open', async () => {
    const { order, formId } = await w.completeWork();
    expect((await w.call('POST', `/orders/${order.id}/answer`, 'technician', { answer: 'rejected', reason: 'Worktop scratched' })).status).toBe(200);
    await w.everyoneSigns(formId);
    const investigation = await w.openTask(order.id, 'investigate-wcf-rejection');
    expect(investigation.candidate_groups).toEqual(['operators', 'country:ES', 'bu:ES-CENTRO', 'store:ES-MAD-0042']);
    await w.engine.completeUserTask(investigation.user_task_key, {
      decision: 'rework',
      reworkItems: [{ description: 'Replace the worktop', location: 'Kitchen' }],
    });
    const rework = await w.until(
      async () =>
        (await w.db.query<{ deadline: Date }>(`SELECT deadline FROM wcf.reworks WHERE service_order_id = $1 AND status = 'open'`, [order.id])).rows[0],
    );
    expect(await warrantiesOf(order.id)).toEqual([]);
    w.clock.pin(rework.deadline.getTime() + 60_000);
    const overdue = await w.openTask(order.id, 'overdue-reserves');
    w.clock.reset();
    await w.engine.completeUserTask(overdue.user_task_key, { decision: 'dispute', note: 'Provider cannot source the worktop' });
    const dispute = await w.until(
      async () =>
        (await w.db.query<{ reason: string; status: string }>('SELECT reason, status FROM wcf.disputes WHERE service_order_id = $1', [order.id])).rows[0],
    );
    expect(dispute).toEqual({ reason: 'Provider cannot source the worktop', status: 'open' });
  });

  it("when the customer does not answer, then they are reminded, and after the country's time an operator chases them", async () => {
    const { order } = await w.completeWork();
    const told = async () =>
      (
        await w.db.query<{ t: string }>(
          `SELECT data->>'templateId' AS t FROM platform.outbox WHERE type = 'ahs.notify.message.requested' AND partition_key = $1 ORDER BY id`,
          [order.id],
        )
      ).rows.map((r) => r.t);
    w.clock.pin(w.clock.now() + 86_400_000 + 60_000);
    await w.until(async () => ((await told()).includes('wcf.answer-reminder') ? true : undefined));
    w.clock.pin(w.clock.now() + 5 * 86_400_000);
    const chase = await w.openTask(order.id, 'chase-wcf-answer');
    w.clock.reset();
    expect(chase.candidate_groups).toContain('country:ES');
  });

  it('when the store has not validated a form the customer and the technician signed, then its business unit is asked to chase it; the signature still settles the form', async () => {
    const { order, formId } = await w.completeWork();
    expect((await w.call('POST', `/orders/${order.id}/answer`, 'technician', { answer: 'accepted' })).status).toBe(200);
    const form = await w.until(async () => (await w.formsOf(order.id)).find((f) => f.id === formId && f.status === 'out-for-signature'));
    const sets = w.world.fake.agreements.get(form.agreement_id!)!.body.participantSetsInfo as { memberInfos: { email: string }[]; order: number }[];
    for (const set of sets.filter((x) => x.order < 3)) w.world.fake.sign(form.agreement_id!, set.memberInfos[0]!.email);
    w.clock.pin(w.clock.now() + 3 * 86_400_000 + 60_000);
    const escalation = await w.openTask(order.id, 'escalate-wcf-validation');
    w.clock.reset();
    expect(escalation.candidate_groups).toEqual(['operators', 'country:ES', 'bu:ES-CENTRO']);
    await w.engine.completeUserTask(escalation.user_task_key, { note: 'Store manager called' });
    await w.everyoneSigns(formId);
    await closedAt(order.id);
  });

  it('when the customer declines the form at Adobe, then an operator follows up; a re-send is a second agreement that closes the order once signed', async () => {
    const { order, formId } = await w.completeWork();
    expect((await w.call('POST', `/orders/${order.id}/answer`, 'technician', { answer: 'accepted' })).status).toBe(200);
    const first = await w.until(async () => (await w.formsOf(order.id)).find((f) => f.id === formId && f.status === 'out-for-signature'));
    await w.settle(first.agreement_id!, 'CANCELLED', 'AGREEMENT_REJECTED');
    const followUp = await w.openTask(order.id, 'follow-up-wcf');
    await w.engine.completeUserTask(followUp.user_task_key, { decision: 'resend', note: 'Customer misread the form' });
    const second = await w.until(async () =>
      (await w.formsOf(order.id)).find((f) => f.id === formId && f.status === 'out-for-signature' && f.agreement_id !== first.agreement_id),
    );
    expect(second.agreement_id).toBeTruthy();
    await w.everyoneSigns(formId);
    await closedAt(order.id);
    expect(await closedEvents(order.id)).toHaveLength(1);
  });
});
