import { randomUUID } from 'node:crypto';
import { afterAll } from 'vitest';
import type { DevUserName } from '../../mesh/oidc/users';
import { parseConfig } from '../../shared/config';
import { signCustomerLink, type CustomerLinkPurpose } from '../../shared/domain/customer-link';
import { adobeSignConfigSchema, adobeSignFromConfig } from '../../shared/esign';
import { FakeAdobeSign } from '../../shared/esign/testing';
import { useTestDb } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { useDevIdentity } from '../../test/support/identity';
import { memoryLogger } from '../../test/support/logger';
import { requestedMessages, useOrderSeller } from '../../test/support/tv';
import { seedForm, seedRework, seedWorkedOrder, type FormSeed, type ReworkSeed, type WorkedOrder } from '../../test/support/wcf';
import { wcfFunction } from './function';

export type Json = Record<string, unknown>;
export interface Answer {
  status: number;
  body: Json;
  replayed: boolean;
}

export const LINK_SECRET = 'test-customer-link-secret-0123456789abcdef';

/**
 * wcf served with the real dev OpenID provider and database, Adobe Sign faked over HTTP
 * (FakeAdobeSign behind the real adapter), a clock tests may set; orders sold through the real
 * order-intake and worked, forms and re-work rounds seeded by SQL (test/support/wcf.ts).
 */
export async function startWcfHarness() {
  const db = useTestDb();
  const identity = await useDevIdentity();
  const sell = await useOrderSeller(db);
  const fake = await FakeAdobeSign.start();
  afterAll(() => fake.close());
  const esign = adobeSignFromConfig(
    parseConfig(adobeSignConfigSchema, {
      ADOBE_SIGN_CLIENT_ID: 'fake-client-id',
      ADOBE_SIGN_CLIENT_SECRET: 'fake-client-secret',
      ADOBE_SIGN_REFRESH_TOKEN: 'fake-refresh-token',
      ADOBE_SIGN_API_HOST: fake.url,
      ADOBE_SIGN_TIMEOUT_MS: '2000',
    }),
  );
  let now: Date | undefined;
  const clock = () => now ?? new Date();
  const url = await startFunction(
    'wcf',
    wcfFunction({ db, authenticator: identity.authenticator, logger: memoryLogger(), esign, linkSecret: LINK_SECRET, clock }),
  );

  /** Calls the function as a dev user (undefined: no token); writes get a fresh Idempotency-Key unless one is given (null: none). */
  async function call(
    method: string,
    path: string,
    user: DevUserName | undefined,
    body?: unknown,
    key: string | null = `app-${randomUUID()}`,
  ): Promise<Answer> {
    const headers: Record<string, string> = user ? { authorization: await identity.bearer(user) } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (key !== null && method !== 'GET') headers['idempotency-key'] = key;
    const response = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Json, replayed: response.headers.get('idempotent-replayed') === 'true' };
  }

  /** The customer's link to a form (purpose wcf-answer, valid 30 days unless told). */
  const link = (order: { id: string }, formId: string, options: { purpose?: CustomerLinkPurpose; expiresAt?: Date } = {}) =>
    signCustomerLink(LINK_SECRET, {
      purpose: options.purpose ?? 'wcf-answer',
      subjectId: formId,
      serviceOrderId: order.id,
      expiresAt: options.expiresAt ?? new Date(clock().getTime() + 30 * 86_400_000),
    });

  /** A worked order with its closing form open (awaiting the customer's answer unless told). */
  async function openForm(options: Parameters<typeof seedWorkedOrder>[2] & { form?: FormSeed } = {}) {
    const order = await seedWorkedOrder(db, sell, options);
    const formId = await seedForm(db, order.id, options.form);
    return { order, formId };
  }

  /** The form sent to (fake) Adobe as the workflow sends it: customer, then technician, then store. */
  async function sentForm(order: WorkedOrder, seed: FormSeed = {}) {
    const { rows } = await db.query<{ customer: string; technician: string }>(
      `SELECT c.email AS customer, t.email AS technician FROM orders.customers c, dispatch.technicians t WHERE c.id = $1 AND t.id = $2`,
      [order.customerId, order.technicianId],
    );
    const { customer: customerEmail, technician: technicianEmail } = rows[0]!;
    const { agreementId } = await esign.createAgreement({
      key: `wcf-${randomUUID()}`,
      name: 'Acta de conformidad',
      document: { bytes: Buffer.from('%PDF-1.7\n%%EOF\n'), fileName: 'acta.pdf' },
      signingSteps: [[{ email: customerEmail }], [{ email: technicianEmail }], [{ email: 'store@ahs.example', role: 'APPROVER' }]],
    });
    const formId = await seedForm(db, order.id, { status: 'out-for-signature', answer: 'accepted', agreementId, ...seed });
    return { formId, agreementId, customerEmail };
  }

  return {
    url,
    db,
    identity,
    sell,
    fake,
    call,
    link,
    openForm,
    sentForm,
    workedOrder: (options?: Parameters<typeof seedWorkedOrder>[2]) => seedWorkedOrder(db, sell, options),
    seedForm: (orderId: string, seed?: FormSeed) => seedForm(db, orderId, seed),
    seedRework: (orderId: string, formId: string, seed?: ReworkSeed) => seedRework(db, orderId, formId, seed),
    messagesFor: (key: string) => requestedMessages(db, key),
    setNow: (date: Date | undefined) => {
      now = date;
    },
  };
}
