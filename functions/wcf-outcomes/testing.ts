import type { PyxisFixture, TempoFixture } from '../../test/fixtures/sales';
import { useTestDb } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import { job, outboxOf, postJob, useOrderSeller } from '../../test/support/tv';
import { seedForm, seedWorkedOrder, TECH_1, type FormSeed } from '../../test/support/wcf';
import { wcfOutcomesFunction } from './function';

export type Variables = Record<string, unknown>;

/** How the harness signs the claim link sent with an acceptance. */
export const CLAIM_LINK = { secret: 'wcf-outcomes-test-secret-0123456789abcdef', baseUrl: 'https://ahs.example/claims/link' };
/** How it signs the satisfaction survey's link sent when the order closes (the same secret, another page). */
export const SURVEY_LINK = { secret: CLAIM_LINK.secret, baseUrl: 'https://ahs.example/customer-surveys/' };

/**
 * wcf-outcomes served on the test database with a clock tests may set; orders sold through the
 * real order-intake and worked by a provider, forms seeded as the workflow leaves them
 * (test/support/wcf.ts), jobs posted as the bridge posts them.
 */
export async function startOutcomesHarness() {
  const db = useTestDb();
  const sell = await useOrderSeller(db);
  let now: Date | undefined;
  const url = await startFunction(
    'wcf-outcomes',
    wcfOutcomesFunction({ db, logger: memoryLogger(), clock: () => now ?? new Date(), claimLink: CLAIM_LINK, surveyLink: SURVEY_LINK }),
  );

  /** Posts a job of the work-closing process (a fresh job key each time: a retry by the engine). */
  const run = (type: string, variables: Variables, processInstanceKey: string) =>
    postJob(url, job(type, variables, { bpmnProcessId: 'work-closing', processInstanceKey }));

  /** A worked order (a Pyxis ES kitchen unless told) and its closing form, signed at `signedAt` when given. */
  async function closingForm(options: { fixture?: PyxisFixture | TempoFixture; form?: FormSeed; signedAt?: Date } = {}) {
    const order = await seedWorkedOrder(db, sell, { fixture: options.fixture });
    const formId = await seedForm(db, order.id, options.form ?? { status: 'signed', answer: 'accepted' });
    if (options.signedAt) await db.query('UPDATE wcf.forms SET signed_at = $2 WHERE id = $1', [formId, options.signedAt]);
    return { order, formId, processInstanceKey: `81${Date.now()}${Math.floor(Math.random() * 1e4)}` };
  }

  /** Reserves on a form, as the customer or an investigation left them (open, in no round). */
  async function addReserves(orderId: string, formId: string, count: number) {
    for (let seq = 1; seq <= count; seq += 1) {
      await db.query(
        `INSERT INTO wcf.reserves (form_id, service_order_id, seq, origin, description, location) VALUES ($1, $2, $3, 'customer', $4, 'Kitchen')`,
        [formId, orderId, seq, `Gap under worktop ${seq}`],
      );
    }
  }

  /** The technician lifted every reserve of the round; the round is lifted (as functions/wcf does). */
  async function liftRound(reworkId: string, at = new Date('2027-04-01T09:00:00Z')) {
    await db.query(`UPDATE wcf.reserves SET status = 'lifted', lifted_at = $2, lifted_by = $3 WHERE rework_id = $1`, [reworkId, at, TECH_1]);
    await db.query(`UPDATE wcf.reworks SET status = 'lifted', lifted_at = $2 WHERE id = $1`, [reworkId, at]);
  }

  /** The outbox rows of an order of one CloudEvent type, oldest first. */
  const eventsOf = async (orderId: string, type: string) => (await outboxOf(db, orderId)).filter((e) => e.type === type);
  /** The messages asked for an order (customer and partner): [templateId, parameters]. */
  const messagesOf = async (orderId: string) =>
    (await outboxOf(db, orderId)).filter((e) => e.type.startsWith('ahs.notify')).map((e) => [e.data.templateId, e.data.parameters]);

  return {
    db,
    run,
    closingForm,
    addReserves,
    liftRound,
    eventsOf,
    messagesOf,
    setNow: (date: Date | undefined) => {
      now = date;
    },
  };
}
