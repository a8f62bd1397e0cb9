import type { ScenarioActors } from './scenario-wcf';

type Json = Record<string, unknown> & { items?: Json[] };

interface People {
  operator: string;
  /** The expert's provider admin and technician (not the provider of the claimed work: Spain excludes it). */
  expertAdmin: string;
  expertTechnician: string;
  expertTechnicianId: string;
  buManager: string;
  countryDirector: string;
}

/** Spain's claim roles in the dev identity provider (mesh/oidc/users.ts). */
export const CLAIM_PEOPLE_ES: People = {
  operator: 'operator-es',
  expertAdmin: 'provider-admin-b',
  expertTechnician: 'technician-b',
  expertTechnicianId: '7e000000-0000-4000-8000-000000000002',
  buManager: 'bu-manager-es',
  countryDirector: 'country-director-es',
};

/**
 * A claim on the closed order, through the approval chain: the customer opens it from the link
 * that came with the acceptance message (their inbox), the workflow finds the warranty that
 * covers it, the operator acknowledges it, the funnel gives the expert's visit to another
 * provider, whose technician records the findings; the operator decides a EUR 8,000 refund, which
 * is above their limit (403 when they try to approve it themselves) and the BU manager's, so the
 * BU manager then the country director approve it; the claim is refunded and its audit trail read.
 */
export async function claimOnTheWork(a: ScenarioActors, orderId: string, claimUrl: string, people: People = CLAIM_PEOPLE_ES): Promise<void> {
  const { call, must, until, line, text } = a;
  const linkPath = new URL(claimUrl).pathname;
  const page = await must('GET', linkPath);
  line('customer', `claim page: ${(page.warranties as Json[]).length} running warranties for order ${text(page.orderReference)}`);
  const opened = await must('POST', linkPath, undefined, {
    category: 'leak',
    description: 'Water under the sink cabinet; the cabinet floor is swollen.',
    photoRefs: ['photos/scenario/claim-leak.jpg'],
  });
  const claimId = text(opened.id);
  line(
    'customer',
    `claim ${claimId.slice(0, 8)} opened from the link (a second use is refused: ${(await call('POST', linkPath, undefined, { category: 'leak', description: 'again' })).status})`,
  );

  const claimOf = () => must('GET', `/claims/${claimId}`, people.operator);
  const registered = await until('the claim to be registered', async () => {
    const c = await claimOf();
    return c.entitlement ? c : undefined;
  });
  line(
    'claims',
    `registered: ${text(registered.entitlement)}${registered.warrantyCode ? ` by ${text(registered.warrantyCode)}` : ''}, handled as ${text(registered.handling)}`,
  );

  /** The claim's open task `element` as `user` sees it in the Control Tower, claimed and completed. */
  async function work(element: string, user: string, variables: Json) {
    const task = await until(`the task ${element}`, async () =>
      (await call('GET', `/operator-tasks/tasks?processInstanceKey=${text(registered.processInstanceKey)}`, user)).body.items?.find(
        (t) => t.element === element,
      ),
    );
    await must('POST', `/operator-tasks/tasks/${text(task.key)}/claim`, user);
    return { key: text(task.key), answer: await call('POST', `/operator-tasks/tasks/${text(task.key)}/complete`, user, { variables }) };
  }
  const completed = (done: { answer: { status: number; body: Json } }, what: string) => {
    if (done.answer.status !== 200) throw new Error(`${what} answered ${done.answer.status}: ${JSON.stringify(done.answer.body)}`);
  };

  completed(await work('acknowledge-claim', people.operator, { decision: 'investigate' }), 'acknowledging');
  line(people.operator, 'claim acknowledged: investigate');

  // The expert's visit: a claim-visit order dispatched by the funnel, never to the provider of the work.
  const expertOrderId = text((await until('the expert visit order', async () => ((await claimOf()).expertOrderId ? claimOf() : undefined))).expertOrderId);
  const assignment = await until(
    "the expert's assignment",
    async () => {
      const ofOrder = (list: unknown) => (list as Json[] | undefined)?.find((x) => (x.order as Json | undefined)?.serviceOrderId === expertOrderId);
      const live = ofOrder((await call('GET', '/dispatch-offers/assignments', people.expertAdmin)).body.assignments);
      if (live) return live;
      const offer = ofOrder((await call('GET', '/dispatch-offers/offers?status=open', people.expertAdmin)).body.offers);
      if (offer) await must('POST', `/dispatch-offers/offers/${text(offer.offerId)}/accept`, people.expertAdmin, undefined, true);
      return undefined;
    },
    90_000,
  );
  await must(
    'PUT',
    `/dispatch-offers/assignments/${text(assignment.assignmentId)}/technician`,
    people.expertAdmin,
    { technicianId: people.expertTechnicianId },
    true,
  );
  line('dispatch', `expert visit ${expertOrderId.slice(0, 8)} assigned to another provider (${people.expertAdmin}), technician ${people.expertTechnician}`);
  await must(
    'POST',
    `/claims/${claimId}/findings`,
    people.expertTechnician,
    { findings: 'Siphon joint cracked at the fitting; cabinet floor swollen', recommendation: 'refund' },
    true,
  );
  line(people.expertTechnician, 'findings recorded: recommends a refund');

  completed(
    await work('decide-claim', people.operator, { decision: 'refund', refundAmountMinor: 800_000, note: 'Cabinet and worktop replaced by the customer' }),
    'deciding',
  );
  line(people.operator, 'decided: refund EUR 8,000.00');

  // The operator may not approve above their own limit: 403 naming it; the BU manager does.
  const tried = await work('approve-refund-bu', people.operator, { approved: true });
  line(people.operator, `tries to approve it: ${tried.answer.status} (${text(tried.answer.body.message)})`);
  await must('POST', `/operator-tasks/tasks/${tried.key}/unclaim`, people.operator);
  completed(await work('approve-refund-bu', people.buManager, { approved: true, comment: 'Documented by the expert' }), 'the BU approval');
  line(people.buManager, 'approved (above the BU limit: on to the country director)');
  completed(await work('approve-refund-country', people.countryDirector, { approved: true }), "the country director's approval");
  line(people.countryDirector, 'approved');

  const refunded = await until('the refund', async () => {
    const c = await claimOf();
    return c.status === 'refunded' ? c : undefined;
  });
  line('claims', `claim ${text(refunded.status)}: ${text(refunded.refundAmountMinor)} ${text(refunded.currency)} (minor units) to the customer`);
  for (const h of (refunded.history as Json[] | undefined) ?? []) line('audit', `${text(h.actor).padEnd(12)} ${text(h.action)}`);
}
