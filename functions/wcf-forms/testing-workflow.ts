import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, expect } from 'vitest';
import { esignNotificationReceived, fieldWorkCompleted } from '../../events';
import { EngineClock } from '../../mesh/engine/clock';
import type { DevUserName } from '../../mesh/oidc/users';
import { signCustomerLink } from '../../shared/domain/customer-link';
import type { ESignature } from '../../shared/esign';
import { useAdobeSignWorld } from '../../shared/esign/testing-adapter';
import { makeLocalObjectStore } from '../../shared/object-storage';
import { cloudEvent, postEvent, startFunction } from '../../test/support/function-server';
import { useDevIdentity } from '../../test/support/identity';
import { useIsolatedDb } from '../../test/support/isolated-db';
import { memoryLogger } from '../../test/support/logger';
import { useTestEngine } from '../../test/support/engine';
import { useOrderSeller } from '../../test/support/tv';
import { seedWorkedOrder } from '../../test/support/wcf';
import { esignNotificationsFunction } from '../esign-notifications/function';
import { wcfFunction } from '../wcf/function';
import { wcfOutcomesFunction } from '../wcf-outcomes/function';
import { wcfStartFunction } from '../wcf-start/function';
import { wcfFormsFunction } from './function';

const LINK = { secret: 'wcf-workflow-test-link-secret-0123456789abcdef', baseUrl: 'https://ahs.example/wcf/answers' };

/**
 * bpmn/wcf.bpmn in the embedded engine with the real wcf-start, wcf-forms, wcf-outcomes,
 * esign-notifications and wcf (HTTP, dev identity) functions; Adobe Sign faked at its REST API;
 * the workflow messages relayed as workflow-messages does; the engine's clock moved by the test.
 */
export async function startWcfWorld() {
  const db = useIsolatedDb();
  const world = useAdobeSignWorld();
  const esign = new Proxy({} as ESignature, {
    get(_target, name) {
      const value = (world.esign as unknown as Record<string | symbol, unknown>)[name];
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(world.esign) : value;
    },
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'ahs-wcf-flow-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const store = makeLocalObjectStore({ root: dir });
  const logger = memoryLogger();
  const clock = new EngineClock();
  const now = () => new Date(clock.now());
  const urls: Record<string, string> = {
    'wcf-forms': await startFunction('wcf-forms', wcfFormsFunction({ db, logger, esign, store, link: LINK, clock: now })),
    'wcf-outcomes': await startFunction('wcf-outcomes', wcfOutcomesFunction({ db, logger, clock: now })),
  };
  const startUrl = await startFunction('wcf-start', wcfStartFunction({ db, logger }));
  const notificationsUrl = await startFunction('esign-notifications', esignNotificationsFunction({ db, logger, esign }));
  const identity = await useDevIdentity();
  const wcfUrl = await startFunction('wcf', wcfFunction({ db, authenticator: identity.authenticator, logger, esign, linkSecret: LINK.secret, clock: now }));
  const sell = await useOrderSeller(db);
  const flow = useTestEngine(db, { logger, clock, workers: urls });
  const { until } = flow;

  /** A worked order whose technician marks the work complete: wcf-start hears it and the closing form opens. */
  async function completeWork() {
    const order = await seedWorkedOrder(db, sell);
    const data = { appointmentId: order.appointmentId, serviceOrderId: order.id, providerId: order.providerId, technicianId: order.technicianId };
    const event = cloudEvent({
      type: fieldWorkCompleted.type,
      source: '/functions/field-visits',
      data: { ...data, completedAt: order.checkedOutAt.toISOString() },
    });
    expect((await postEvent(startUrl, event)).status).toBe(200);
    const form = await until(async () => (await formsOf(order.id)).find((f) => f.kind === 'closing'));
    return { order, formId: form.id };
  }

  const formsOf = async (orderId: string) =>
    (
      await db.query<{ id: string; kind: string; status: string; agreement_id: string | null }>(
        'SELECT id, kind, status, agreement_id FROM wcf.forms WHERE service_order_id = $1 ORDER BY created_at',
        [orderId],
      )
    ).rows;

  /** Calls the wcf function as a dev user, or as the customer (no user) on their link. */
  async function call(method: string, url: string, user: DevUserName | undefined, body?: unknown) {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': randomUUID() };
    if (user) headers.authorization = await identity.bearer(user);
    const response = await fetch(`${wcfUrl}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
  const customerLink = (orderId: string, formId: string) =>
    signCustomerLink(LINK.secret, { purpose: 'wcf-answer', subjectId: formId, serviceOrderId: orderId, expiresAt: new Date(Date.now() + 86_400_000) });

  /** Every participant of the form's current agreement signs in turn at Adobe, then Adobe's webhook says it is completed. */
  async function everyoneSigns(formId: string) {
    const form = await until(async () =>
      (await db.query<{ agreement_id: string; status: string }>('SELECT agreement_id, status FROM wcf.forms WHERE id = $1', [formId])).rows.find(
        (f) => f.status === 'out-for-signature',
      ),
    );
    const agreement = world.fake.agreements.get(form.agreement_id)!;
    const sets = agreement.body.participantSetsInfo as { memberInfos: { email: string }[]; order: number }[];
    const signed = new Set((agreement.events ?? []).filter((e) => e.type === 'ACTION_COMPLETED').map((e) => e.participantEmail));
    for (const set of [...sets].sort((a, b) => a.order - b.order)) {
      if (!signed.has(set.memberInfos[0]!.email)) world.fake.sign(form.agreement_id, set.memberInfos[0]!.email);
    }
    expect(agreement.status).toBe('SIGNED');
    const answer = await postEvent(
      notificationsUrl,
      cloudEvent({
        type: esignNotificationReceived.type,
        source: '/functions/esign-webhooks',
        data: { webhookNotificationId: randomUUID(), agreementId: form.agreement_id, event: 'AGREEMENT_WORKFLOW_COMPLETED', eventDate: now().toISOString() },
      }),
    );
    expect(answer.status).toBe(200);
    return form.agreement_id;
  }

  /** Adobe ends the agreement (`adobeStatus`) and its webhook says so (`event`). */
  async function settle(agreementId: string, adobeStatus: string, event: string) {
    world.fake.setStatus(agreementId, adobeStatus);
    const data = { webhookNotificationId: randomUUID(), agreementId, event, eventDate: now().toISOString() };
    const answer = await postEvent(notificationsUrl, cloudEvent({ type: esignNotificationReceived.type, source: '/functions/esign-webhooks', data }));
    expect(answer.status).toBe(200);
  }

  const openTask = (orderId: string, elementId: string) =>
    until(async () => {
      const { rows } = await db.query<{ user_task_key: string; candidate_groups: string[] }>(
        `SELECT t.user_task_key::text, t.candidate_groups FROM engine.user_tasks t JOIN wcf.forms f ON f.process_instance_key = t.process_instance_key::text
          WHERE f.service_order_id = $1 AND f.kind = 'closing' AND t.element_id = $2 AND t.state = 'CREATED'`,
        [orderId, elementId],
      );
      return rows[0];
    });

  return {
    db,
    world,
    clock,
    get engine() {
      return flow.engine;
    },
    until,
    completeWork,
    formsOf,
    call,
    customerLink,
    everyoneSigns,
    settle,
    openTask,
  };
}
