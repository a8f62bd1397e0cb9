/**
 * npm run bench:wcf — the embedded engine running bpmn/wcf.bpmn (process work-closing) with the
 * real wcf-forms and wcf-outcomes workers and esign-notifications (in-process servers), Adobe Sign
 * faked at its REST API behind the real adapter, on an isolated embedded PGlite.
 *
 * 1. Throughput: N accepted closing forms, all in flight at once, from wcf-requested to "Order
 *    closed": wcf-open → the customer's answer (form answered + wcf-answered, as the wcf function
 *    writes it) → wcf-send → everyone signs at the fake → esign-notifications, and the
 *    wcf-agreement-settled it requests → wcf-archive → wcf-accept. Baseline in the same run: the
 *    same jobs, answer, signatures and notification per order, without the engine, as concurrent.
 * 2. Where the time goes: each worker behind a timing pass-through keyed by job type, Adobe Sign and
 *    the object store timed per call; under load, and one order at a time (uncontended).
 *
 * Reported as ratios against the baseline (machine speed cancels out), never asserted.
 */
import { flowDatabase, listen } from './support/flows';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jobWorkers, type TaskType } from '../bpmn/contract';
import { loadModels } from '../bpmn/models';
import { esignNotificationsFunction } from '../functions/esign-notifications/function';
import { orderIntakeFunction } from '../functions/order-intake/function';
import { wcfFormsFunction } from '../functions/wcf-forms/function';
import { wcfOutcomesFunction } from '../functions/wcf-outcomes/function';
import { EmbeddedEngine } from '../mesh/engine/engine';
import { createLogger } from '../shared/logging';
import { makeLocalObjectStore } from '../shared/object-storage';
import { dispatchJob } from '../shared/workflow/dispatch';
import {
  everyoneSigns,
  fakeAdobeSign,
  jobTimingProxy,
  notifyCompleted,
  Rendezvous,
  sendSplit,
  stepRows,
  timedMethods,
  Timings,
  workedOrders,
  type BenchOrder,
} from './support/wcf';

const N = Number(process.env.BENCH_INSTANCES ?? 40);
const SOLO = Math.min(N, 10);
const quiet = createLogger({ level: 'error' });
const LINK = { secret: 'bench-wcf-link-secret-0123456789abcdef0123', baseUrl: 'http://127.0.0.1/wcf/answers' };
const JOB = { bpmnProcessId: 'work-closing', retries: 5, customHeaders: {} };
const STEPS = ['wcf-open', 'answer write', 'wcf-send', 'signing at the fake', 'esign-notifications', 'wcf-archive', 'wcf-accept'];

async function main() {
  const { db, close } = await flowDatabase();
  const timings = new Timings();
  const { fake, esign } = await fakeAdobeSign(timings);
  const dir = mkdtempSync(path.join(tmpdir(), 'ahs-bench-wcf-'));
  const store = timedMethods(makeLocalObjectStore({ root: dir }), 'store', timings);

  const intake = await listen('order-intake', orderIntakeFunction({ db, logger: quiet }), quiet);
  const forms = await listen('wcf-forms', wcfFormsFunction({ db, logger: quiet, esign, store, link: LINK }), quiet);
  const outcomes = await listen('wcf-outcomes', wcfOutcomesFunction({ db, logger: quiet }), quiet);
  const notifications = await listen('esign-notifications', esignNotificationsFunction({ db, logger: quiet, esign }), quiet);
  const opened = new Rendezvous<string>();
  const sent = new Rendezvous<string>();
  const onAnswer = (type: string, job: Record<string, unknown>, answer: Record<string, unknown>) => {
    if (type === 'wcf-open') opened.settle(String(job.orderId), String(answer.formId));
    if (type === 'wcf-send') sent.settle(String(job.formId), String(answer.agreementId));
  };
  const proxies = { 'wcf-forms': await jobTimingProxy(forms.url, timings, onAnswer), 'wcf-outcomes': await jobTimingProxy(outcomes.url, timings, onAnswer) };
  const workerUrl = (type: string) => proxies[jobWorkers[type as TaskType] as keyof typeof proxies]?.url;
  const engine = await EmbeddedEngine.start({ db, models: loadModels(), workerUrl, logger: quiet, tickMs: 250, dispatchTimeoutMs: 120_000 });

  /** The customer's answer as the wcf function's transaction writes it (the wcf-answered message is the engine's part). */
  const answer = (formId: string) =>
    timings.time('answer write', () =>
      db.query(
        `UPDATE wcf.forms SET status = 'answered', answer = 'accepted', answered_at = NOW(), answered_via = 'technician-device', updated_at = NOW() WHERE id = $1`,
        [formId],
      ),
    );
  /** Every participant signs at the fake; Adobe's webhook reaches esign-notifications. */
  async function signed(agreementId: string) {
    const t0 = performance.now();
    everyoneSigns(fake, agreementId);
    timings.add('signing at the fake', performance.now() - t0);
    await timings.time('esign-notifications', () => notifyCompleted(notifications.url, agreementId));
  }
  /** A message as workflow-messages relays it from the outbox of the function that requested it. */
  const publish = (name: string, correlationKey: string, messageId: string, variables: Record<string, unknown>) =>
    engine.publishMessage({ name, correlationKey, messageId, variables, timeToLiveMs: 3_600_000 });

  async function throughEngine(order: BenchOrder) {
    const { id: orderId, country, businessUnit, store: storeCode } = order;
    await publish('wcf-requested', orderId, `wcf-requested:${orderId}`, { orderId, country, businessUnit, store: storeCode });
    const formId = await opened.wait(orderId);
    await answer(formId);
    await publish('wcf-answered', formId, `wcf-answered:${formId}`, { answer: 'accepted' });
    const agreementId = await sent.wait(formId);
    await signed(agreementId);
    await publish('wcf-agreement-settled', formId, `wcf-agreement-settled:${agreementId}`, { agreementId, agreementStatus: 'SIGNED' });
  }
  const count = async (sql: string, orders: BenchOrder[]) => Number((await db.query<{ n: string }>(sql, [orders.map((o) => o.id)])).rows[0]?.n);
  const completed = (orders: BenchOrder[]) =>
    count(`SELECT count(*) AS n FROM engine.instances WHERE state = 'COMPLETED' AND correlation_key = ANY($1)`, orders);
  const closed = (orders: BenchOrder[]) => count(`SELECT count(*) AS n FROM orders.service_orders WHERE closed_at IS NOT NULL AND id = ANY($1)`, orders);
  async function runEngine(orders: BenchOrder[]) {
    await Promise.all(orders.map(throughEngine));
    while ((await completed(orders)) < orders.length) {
      await engine.idle();
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  let key = 9_000_000_000_000_000;
  async function post(type: string, variables: Record<string, unknown>, instance: string) {
    const job = { ...JOB, key: String(++key), type, elementId: type, processInstanceKey: instance, deadline: Date.now() + 120_000, variables };
    const url = proxies[jobWorkers[type as TaskType] as keyof typeof proxies].url;
    const answered = await dispatchJob(job, { url, source: '/bench', timeoutMs: 120_000 });
    if (answered.status !== 200) throw new Error(`${type} answered ${JSON.stringify(answered)}`);
    return (answered.body as { variables: Record<string, string> }).variables;
  }
  /** The same work without the engine: the jobs POSTed straight to the (same, timed) workers. */
  async function direct({ id: orderId }: BenchOrder) {
    const instance = String(++key);
    const { formId } = await post('wcf-open', { orderId }, instance);
    await answer(formId!);
    const { agreementId } = await post('wcf-send', { formId }, instance);
    await signed(agreementId!);
    await post('wcf-archive', { formId, agreementId }, instance);
    await post('wcf-accept', { orderId, formId, answer: 'accepted' }, instance);
  }

  // Warm-up: JIT, pools, pdf-lib and the fonts, the adapter's token.
  await runEngine(await workedOrders(db, intake.url, 3));
  for (const order of await workedOrders(db, intake.url, 3)) await direct(order);

  // 1a. Through the engine, all in flight at once.
  const viaEngine = await workedOrders(db, intake.url, N);
  timings.clear();
  const t0 = performance.now();
  await runEngine(viaEngine);
  const engineSeconds = (performance.now() - t0) / 1000;
  const underEngine = timings.table(STEPS);
  const engineNot200 = timings.notCompleted();

  // 1b. Baseline: the same work per order without the engine, as concurrent.
  const viaDirect = await workedOrders(db, intake.url, N);
  timings.clear();
  const t1 = performance.now();
  await Promise.all(viaDirect.map(direct));
  const directSeconds = (performance.now() - t1) / 1000;
  const underDirect = timings.table(STEPS);
  const directNot200 = timings.notCompleted();

  // 2. Uncontended: one order at a time; Adobe Sign (fake) calls apart; wcf-send's document read and PDF render redone apart.
  const solo = await workedOrders(db, intake.url, SOLO);
  timings.clear();
  for (const order of solo) await direct(order);
  const perOrderMs = (labels: string[]) =>
    Number((labels.reduce((s, l) => s + (timings.byLabel.get(l) ?? []).reduce((a, b) => a + b, 0), 0) / SOLO).toFixed(1));
  const oneAtATime = timings.table(STEPS);
  const adobeByStep = {
    'wcf-send': perOrderMs(['adobe:createAgreement', 'adobe:findByKey']),
    'wcf-archive': perOrderMs(['adobe:signedDocument', 'adobe:auditTrail', 'adobe:agreementEvents']),
    'esign-notifications': perOrderMs(['adobe:getAgreement']),
  };
  const objectStorePutMs = perOrderMs(['store:put']);
  const split = await sendSplit(
    db,
    solo.map((o) => o.id),
  );

  const round = (n: number, d = 2) => Number(n.toFixed(d));
  const pass = async (seconds: number, orders: BenchOrder[], jobsNotCompleted: number) => ({
    seconds: round(seconds),
    perSecond: round(N / seconds, 1),
    ordersClosed: await closed(orders),
    jobsNotCompleted,
  });
  const result = {
    instances: N,
    engine: await pass(engineSeconds, viaEngine, engineNot200),
    directWorkerCalls: await pass(directSeconds, viaDirect, directNot200),
    engineShareOfDirect: round(directSeconds / engineSeconds),
    oneOrderAtATime: { orders: SOLO, adobeFakeMsPerOrder: adobeByStep, objectStorePutMsPerOrder: objectStorePutMs, wcfSendApart: split },
    database: 'embedded PGlite',
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(`\nmean time per step and its share of the summed step time, by pass (${N} in flight; ${SOLO} one at a time):`);
  console.log(stepRows(STEPS, { engine: underEngine, direct: underDirect, 'one at a time': oneAtATime }));
  const top = Object.entries(oneAtATime).sort((a, b) => b[1].share - a[1].share)[0]!;
  console.log(
    `\nembedded engine: ${result.engine.perSecond} WCF instances/s start to end (${result.engineShareOfDirect}x of the same work done directly: ${result.directWorkerCalls.perSecond}/s);` +
      ` dominant step: ${top[0]}, ${Math.round(top[1].share * 100)}% of an order's step time (${top[1].meanMs} ms one at a time; its PDF render alone ${split.renderPdfMs} ms)`,
  );

  await engine.stop();
  for (const p of Object.values(proxies)) await p.close();
  for (const s of [intake, forms, outcomes, notifications]) await new Promise<void>((r) => s.server.close(() => r()));
  await fake.close();
  await close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
