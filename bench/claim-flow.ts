/**
 * npm run bench:claim — the embedded engine running bpmn/claim.bpmn (process claim) with the real
 * claims-handling and claims-orders workers and the claims HTTP function (the intake and the
 * expert's findings, as dev users of the dev OpenID provider), on an isolated embedded PGlite.
 *
 * 1. Throughput: covered claims on accepted orders, all of a round in flight at once, from the
 *    operator's claim (POST /orders/:orderId) to refunded: claim-opened relayed from the outbox →
 *    claim-register → the operator completes acknowledge-claim (investigate) → claim-acknowledge →
 *    claim-dispatch-expert → the expert's visit assigned (SQL, as the funnel's confirmation) →
 *    the expert's findings (POST /:id/findings, recommendation refund) and the
 *    claim-findings-recorded message relayed → the operator completes decide-claim (refund EUR 300,
 *    under the ES operator limit: no approval) → claim-record-decision → claim-refund. Baseline in
 *    the same process: the same HTTP calls, SQL and jobs per claim, the jobs POSTed straight to the
 *    workers in sequence, without the engine, as concurrent. Engine and direct rounds alternate.
 * 2. Where the time goes: each worker behind a timing pass-through keyed by job type, every step
 *    of the bench timed; what is left of a claim's start-to-end time is the engine's (dispatch,
 *    persistence, waiting for its lock) or, directly, the dispatch around the jobs. Under load, and
 *    one claim at a time (uncontended).
 *
 * Reported as ratios against the baseline (machine speed cancels out), never asserted.
 */
import { flowDatabase, listen } from './support/flows';
import { jobWorkers, type TaskType } from '../bpmn/contract';
import { loadModels } from '../bpmn/models';
import { claimsFunction } from '../functions/claims/function';
import { claimsHandlingFunction } from '../functions/claims-handling/function';
import { claimsOrdersFunction } from '../functions/claims-orders/function';
import { orderIntakeFunction } from '../functions/order-intake/function';
import { EmbeddedEngine } from '../mesh/engine/engine';
import { createLogger } from '../shared/logging';
import { dispatchJob } from '../shared/workflow/dispatch';
import { assignExpert, callClaims, claimableOrders, devIdentity, openUserTask, relayMessages, type BenchClaimOrder } from './support/claim';
import { jobTimingProxy, Rendezvous, stepRows, Timings } from './support/wcf';

const N = Number(process.env.BENCH_CLAIMS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SOLO = Math.min(N, 5);
const quiet = createLogger({ level: 'error' });
const LINK_SECRET = 'bench-claim-link-secret-0123456789abcdef0123';
const JOB = { bpmnProcessId: 'claim', retries: 5, customHeaders: {} };
const OPERATOR = 'op-es-0001';
const REFUND_MINOR = 30_000;
const CLAIM = { category: 'leak', description: 'Water under the sink cabinet since last week', photoRefs: ['photos/claim/leak-1.jpg'] };
const FINDINGS = { findings: 'Siphon joint cracked at the fitting', recommendation: 'refund' };
const REST = 'rest of the claim';
const STEPS = [
  'open (claims HTTP)',
  'relay claim-opened',
  'claim-register',
  'complete acknowledge',
  'claim-acknowledge',
  'claim-dispatch-expert',
  'assign expert (SQL)',
  'findings (claims HTTP)',
  'relay findings',
  'complete decide',
  'claim-record-decision',
  'claim-refund',
  REST,
];

async function main() {
  const { db, close } = await flowDatabase();
  const timings = new Timings();
  const identity = await devIdentity();
  const operator = await identity.bearer('operator-es');
  const expert = await identity.bearer('technician-b');

  const intake = await listen('order-intake', orderIntakeFunction({ db, logger: quiet }), quiet);
  const claims = await listen('claims', claimsFunction({ db, authenticator: identity.authenticator, logger: quiet, linkSecret: LINK_SECRET }), quiet);
  const handling = await listen('claims-handling', claimsHandlingFunction({ db, logger: quiet }), quiet);
  const orders = await listen('claims-orders', claimsOrdersFunction({ db, logger: quiet }), quiet);
  const registered = new Rendezvous<true>();
  const dispatched = new Rendezvous<string>();
  const refunded = new Rendezvous<true>();
  const onAnswer = (type: string, job: Record<string, unknown>, answer: Record<string, unknown>) => {
    const claimId = String(job.claimId);
    if (type === 'claim-register') registered.settle(claimId, true);
    if (type === 'claim-dispatch-expert') dispatched.settle(claimId, String(answer.expertOrderId));
    if (type === 'claim-refund') refunded.settle(claimId, true);
  };
  const proxies = {
    'claims-handling': await jobTimingProxy(handling.url, timings, onAnswer),
    'claims-orders': await jobTimingProxy(orders.url, timings, onAnswer),
  };
  const workerUrl = (type: string) => proxies[jobWorkers[type as TaskType] as keyof typeof proxies]?.url;
  const engine = await EmbeddedEngine.start({ db, models: loadModels(), workerUrl, logger: quiet, tickMs: 250, dispatchTimeoutMs: 120_000 });
  const relayed = new Set<string>();

  /** The operator records the customer's claim (claims writes it and requests claim-opened in one transaction). */
  const open = async (order: BenchClaimOrder) =>
    String((await timings.time('open (claims HTTP)', () => callClaims(claims.url, operator, `/orders/${order.id}`, CLAIM, 201))).id);
  /** The funnel's confirmed assignment, then the expert's findings from the technician's app. */
  async function findings(claimId: string, expertOrderId: string) {
    await timings.time('assign expert (SQL)', () => assignExpert(db, expertOrderId));
    await timings.time('findings (claims HTTP)', () => callClaims(claims.url, expert, `/${claimId}/findings`, FINDINGS, 200));
  }

  async function throughEngine(order: BenchClaimOrder) {
    const t0 = performance.now();
    const claimId = await open(order);
    await timings.time('relay claim-opened', () => relayMessages(db, engine, claimId, relayed));
    await registered.wait(claimId);
    const acknowledge = await openUserTask(db, claimId, 'acknowledge-claim');
    await timings.time('complete acknowledge', () => engine.completeUserTask(acknowledge, { decision: 'investigate', completedBy: OPERATOR }));
    await findings(claimId, await dispatched.wait(claimId));
    await timings.time('relay findings', () => relayMessages(db, engine, claimId, relayed));
    const decide = await openUserTask(db, claimId, 'decide-claim');
    await timings.time('complete decide', () =>
      engine.completeUserTask(decide, { decision: 'refund', refundAmountMinor: REFUND_MINOR, completedBy: OPERATOR }),
    );
    await refunded.wait(claimId);
    timings.add('claim', performance.now() - t0);
    return claimId;
  }

  /** Job and instance keys of the direct passes, apart from the engine's (a bigint: past 2^53 a number's +1 is lost). */
  let key = 9_100_000_000_000_000n;
  async function post(type: string, variables: Record<string, unknown>, instance: string) {
    const job = { ...JOB, key: String(++key), type, elementId: type, processInstanceKey: instance, deadline: Date.now() + 120_000, variables };
    const answered = await dispatchJob(job, { url: workerUrl(type), source: '/bench', timeoutMs: 120_000 });
    if (answered.status !== 200) throw new Error(`${type} answered ${JSON.stringify(answered)}`);
    return (answered.body as { variables?: Record<string, unknown> }).variables ?? {};
  }
  /** The same work without the engine: the same calls, and the jobs POSTed in sequence to the (same, timed) workers with the variables the instance would hold. */
  async function direct(order: BenchClaimOrder) {
    const t0 = performance.now();
    const instance = String(++key);
    const claimId = await open(order);
    let vars: Record<string, unknown> = { claimId, orderId: order.id };
    vars = { ...vars, ...(await post('claim-register', vars, instance)) };
    vars = { ...vars, decision: 'investigate', completedBy: OPERATOR };
    vars = { ...vars, ...(await post('claim-acknowledge', vars, instance)) };
    vars = { ...vars, ...(await post('claim-dispatch-expert', vars, instance)) };
    await findings(claimId, String(vars.expertOrderId));
    vars = { ...vars, recommendation: FINDINGS.recommendation, decision: 'refund', refundAmountMinor: REFUND_MINOR, completedBy: OPERATOR };
    vars = { ...vars, ...(await post('claim-record-decision', vars, instance)) };
    await post('claim-refund', vars, instance);
    timings.add('claim', performance.now() - t0);
    return claimId;
  }

  /** One pass: `orders` claims all in flight at once (or one at a time), timed; the step table with the rest of each claim's time. */
  async function pass(run: (o: BenchClaimOrder) => Promise<string>, orders: BenchClaimOrder[], oneAtATime = false) {
    timings.clear();
    const t0 = performance.now();
    const ids: string[] = [];
    if (oneAtATime) for (const order of orders) ids.push(await run(order));
    else ids.push(...(await Promise.all(orders.map(run))));
    const seconds = (performance.now() - t0) / 1000;
    const sum = (l: string) => (timings.byLabel.get(l) ?? []).reduce((a, b) => a + b, 0);
    const claimMs = sum('claim');
    const rest = claimMs - STEPS.filter((s) => s !== REST).reduce((s, l) => s + sum(l), 0);
    for (let i = 0; i < orders.length; i++) timings.add(REST, rest / orders.length);
    const byLabel = new Map([...timings.byLabel].map(([l, v]) => [l, [...v]]));
    return { seconds, ids, byLabel, claimMeanMs: claimMs / orders.length, notCompleted: timings.notCompleted() };
  }
  type Pass = Awaited<ReturnType<typeof pass>>;
  /** Passes of one mode merged: summed seconds, every duration. */
  const merged = (passes: Pass[]) => {
    const all = new Timings();
    for (const p of passes) for (const [l, v] of p.byLabel) for (const ms of v) all.add(l, ms);
    return {
      seconds: passes.reduce((s, p) => s + p.seconds, 0),
      ids: passes.flatMap((p) => p.ids),
      timings: all,
      claimMeanMs: passes.reduce((s, p) => s + p.claimMeanMs, 0) / passes.length,
      notCompleted: passes.reduce((s, p) => s + p.notCompleted, 0),
    };
  };

  // Warm-up: JIT, pools, the tokens, the engine's model and caches.
  const tSeed = performance.now();
  await pass(throughEngine, await claimableOrders(db, intake.url, 2));
  await pass(direct, await claimableOrders(db, intake.url, 2));

  // 1. Rounds alternating engine and direct, N claims each, all in flight at once.
  const engineRounds: Pass[] = [];
  const directRounds: Pass[] = [];
  let seeding = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const s0 = performance.now();
    const forEngine = await claimableOrders(db, intake.url, N);
    const forDirect = await claimableOrders(db, intake.url, N);
    seeding += performance.now() - s0;
    engineRounds.push(await pass(throughEngine, forEngine));
    directRounds.push(await pass(direct, forDirect));
  }
  const engineRun = merged(engineRounds);
  const directRun = merged(directRounds);

  // 2. Uncontended: one claim at a time, through the engine and directly.
  const s1 = performance.now();
  const soloOrders = { engine: await claimableOrders(db, intake.url, SOLO), direct: await claimableOrders(db, intake.url, SOLO) };
  seeding += performance.now() - s1;
  const soloEngine = merged([await pass(throughEngine, soloOrders.engine, true)]);
  const soloDirect = merged([await pass(direct, soloOrders.direct, true)]);
  const wallSeconds = (performance.now() - tSeed) / 1000;

  const round = (n: number, d = 2) => Number(n.toFixed(d));
  const refundedCount = async (ids: string[]) =>
    Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM claims.claims WHERE status = 'refunded' AND id = ANY($1)`, [ids])).rows[0]?.n);
  const instancesCompleted = async (ids: string[]) =>
    Number(
      (
        await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM engine.instances i JOIN claims.claims c ON c.process_instance_key = i.process_instance_key::text
            WHERE i.state = 'COMPLETED' AND c.id = ANY($1)`,
          [ids],
        )
      ).rows[0]?.n,
    );
  const incidents = Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM engine.incidents`)).rows[0]?.n);
  const claimCount = N * ROUNDS;
  const summary = async (run: ReturnType<typeof merged>, engineInstances: boolean) => ({
    seconds: round(run.seconds),
    perSecond: round(claimCount / run.seconds, 1),
    meanClaimMs: Math.round(run.claimMeanMs),
    claimsRefunded: await refundedCount(run.ids),
    ...(engineInstances ? { instancesCompleted: await instancesCompleted(run.ids) } : {}),
    jobsNotCompleted: run.notCompleted,
  });
  const result = {
    claimsPerRound: N,
    rounds: ROUNDS,
    engine: await summary(engineRun, true),
    directWorkerCalls: await summary(directRun, false),
    engineShareOfDirect: round(directRun.seconds / engineRun.seconds),
    oneClaimAtATime: {
      claims: SOLO,
      engineMeanClaimMs: Math.round(soloEngine.claimMeanMs),
      directMeanClaimMs: Math.round(soloDirect.claimMeanMs),
      refunded: await refundedCount([...soloEngine.ids, ...soloDirect.ids]),
    },
    engineIncidents: incidents,
    seedingSeconds: round(seeding / 1000, 1),
    wallSeconds: round(wallSeconds, 1),
    database: 'embedded PGlite',
  };
  console.log(JSON.stringify(result, null, 2));
  /** The steps a pass took (a direct pass relays nothing and completes no user task: '-'). */
  const tableOf = (run: ReturnType<typeof merged>) => Object.fromEntries(Object.entries(run.timings.table(STEPS)).filter(([, r]) => r.n > 0));
  const tables = {
    engine: tableOf(engineRun),
    direct: tableOf(directRun),
    'engine, 1 at a time': tableOf(soloEngine),
    'direct, 1 at a time': tableOf(soloDirect),
  };
  console.log(`\nmean time per step and its share of a claim's start-to-end time, by pass (${N} in flight x ${ROUNDS} rounds; ${SOLO} one at a time):`);
  console.log(stepRows(STEPS, tables));
  const ENGINE_PART = ['relay claim-opened', 'complete acknowledge', 'relay findings', 'complete decide', REST];
  const JOBS = STEPS.filter((l) => l.startsWith('claim-'));
  const share = (t: Record<string, { share: number }>, labels: string[]) => Math.round(labels.reduce((s, l) => s + (t[l]?.share ?? 0), 0) * 100);
  const topJob = (t: Record<string, { meanMs: number; share: number }>) => JOBS.map((l) => [l, t[l]!] as const).sort((a, b) => b[1].share - a[1].share)[0]!;
  const [loadJob, load] = topJob(tables.engine);
  const [soloJob, solo] = topJob(tables['engine, 1 at a time']);
  console.log(
    `\nembedded engine: ${result.engine.perSecond} claims/s open to refunded (${result.engineShareOfDirect}x of the same work done directly: ${result.directWorkerCalls.perSecond}/s);` +
      ` the engine's part (relays, user task completions, the rest): ${share(tables.engine, ENGINE_PART)}% of a claim's time under load,` +
      ` ${share(tables['engine, 1 at a time'], ENGINE_PART)}% one at a time (${result.oneClaimAtATime.engineMeanClaimMs} ms a claim vs ${result.oneClaimAtATime.directMeanClaimMs} ms directly);` +
      ` worker jobs ${share(tables.engine, JOBS)}% / ${share(tables['engine, 1 at a time'], JOBS)}%, the slowest ${loadJob} (${load.meanMs} ms) under load, ${soloJob} (${solo.meanMs} ms) one at a time`,
  );

  await engine.stop();
  for (const p of Object.values(proxies)) await p.close();
  for (const s of [intake, claims, handling, orders]) await new Promise<void>((r) => s.server.close(() => r()));
  await identity.close();
  await close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
