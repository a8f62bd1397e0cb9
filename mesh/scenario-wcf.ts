import { signAsParticipant, signingLinks } from './adobe-sign/client';

type Json = Record<string, unknown> & { items?: Json[] };

/** What the scenario's actors share with this part of it (mesh/scenario.ts). */
export interface ScenarioActors {
  sandbox: string;
  call: (method: string, path: string, user?: string, body?: unknown, idempotent?: boolean) => Promise<{ status: number; body: Json }>;
  must: (method: string, path: string, user?: string, body?: unknown, idempotent?: boolean) => Promise<Json>;
  until: <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs?: number) => Promise<T>;
  line: (actor: string, what: string) => void;
  text: (value: unknown) => string;
}

interface People {
  operator: string;
  technician: string;
}

/**
 * The Work Closing Form, after the technician's check-out said the work is complete: the customer
 * accepts with one reserve on the technician's device and signs there (Adobe's in-person signing
 * page), then the technician, then the store validates from its email; the warranties start and
 * the provider gets a re-work round; the technician lifts the reserve, the customer signs the
 * lifting form, and the order is closed with its warranties running.
 */
export async function closeTheWork(a: ScenarioActors, orderId: string, people: People): Promise<void> {
  const { call, must, until, line, text } = a;
  const formOf = (kind: 'closing' | 'lifting') =>
    until(`the ${kind} form`, async () => (await call('GET', `/wcf/forms?serviceOrderId=${orderId}&kind=${kind}`, people.operator)).body.items?.[0]);
  const closing = await formOf('closing');
  line('wcf', `closing form ${text(closing.id)} opened (${text(closing.language)}); the customer got their answer link`);

  await must(
    'POST',
    `/wcf/orders/${orderId}/answer`,
    people.technician,
    {
      answer: 'accepted-with-reserves',
      reserves: [{ description: 'Cabinet door misaligned', location: 'Kitchen, north wall', photoRefs: ['photos/scenario/reserve-1.jpg'] }],
    },
    true,
  );
  line(people.technician, "customer's answer recorded on the device: accepted with 1 reserve");
  await signInTurn(a, orderId, String(closing.id), people, ['customer', 'technician', 'store']);

  const detail = await until('the re-work round', async () => {
    const form = await must('GET', `/wcf/forms/${text(closing.id)}`, people.operator);
    return (form.reworks as Json[] | undefined)?.some((w) => w.status === 'open') ? form : undefined;
  });
  const rework = (detail.reworks as Json[]).find((w) => w.status === 'open')!;
  const started = (await must('GET', `/wcf/orders/${orderId}/warranties`, people.operator)).items ?? [];
  line(
    'wcf',
    `form signed: ${started.length} warranties started; re-work round ${text(rework.round)} for the provider, deadline ${text(rework.deadline).slice(0, 10)}`,
  );

  for (const reserve of (detail.reserves as Json[]).filter((r) => r.reworkId === rework.id)) {
    await must(
      'POST',
      `/wcf/reserves/${text(reserve.id)}/lift`,
      people.technician,
      { note: 'Door hinge adjusted', photoRefs: ['photos/scenario/lifted-1.jpg'] },
      true,
    );
    line(people.technician, `reserve ${text(reserve.seq)} lifted ("${text(reserve.description)}")`);
  }
  const lifting = await formOf('lifting');
  await signInTurn(a, orderId, String(lifting.id), people, ['customer']);

  const order = await until('the order to be closed', async () => {
    const o = await must('GET', `/service-orders/${orderId}`, people.operator);
    return o.closedAt ? o : undefined;
  });
  line('wcf', `lifting form signed: order closed at ${text(order.closedAt)}`);
  for (const w of (await must('GET', `/wcf/orders/${orderId}/warranties`, people.operator)).items ?? []) {
    line('warranty', `${text(w.name)} (${text(w.legalSource)}): ${text(w.startsOn)} → ${text(w.endsOn)}`);
  }
}

/**
 * The form's signers sign in their turn: the customer and the technician on the technician's
 * device (the signing URL the wcf function gets from Adobe), the store from the email Adobe sent it.
 */
async function signInTurn(a: ScenarioActors, orderId: string, formId: string, people: People, signers: ('customer' | 'technician' | 'store')[]) {
  const form = await a.until('the form to be sent for signature', async () => {
    const f = await a.must('GET', `/wcf/forms/${formId}`, people.operator);
    return f.status === 'out-for-signature' ? f : undefined;
  });
  const agreementId = a.text(form.agreementId);
  for (const signer of signers) {
    const link =
      signer === 'store'
        ? await a.until(
            "the store's signing email",
            async () => (await signingLinks(a.sandbox, agreementId)).find((l) => l.to.endsWith('@stores.ahs.example'))?.link,
          )
        : await a.until(`the ${signer}'s signing page`, async () => {
            const answer = await a.call('GET', `/wcf/orders/${orderId}/signing-url?signer=${signer}`, people.technician);
            return answer.status === 200 ? a.text(answer.body.signingUrl) : undefined;
          });
    const outcome = await signAsParticipant(a.sandbox, link);
    a.line(
      signer === 'store' ? 'store' : signer,
      `${signer === 'store' ? 'validated from its email' : "signed on the technician's device"} (agreement ${outcome.agreementStatus})`,
    );
  }
}
