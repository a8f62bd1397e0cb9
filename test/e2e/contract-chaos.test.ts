import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { salesOrderCreated } from '../../events';
import { declineAsParticipant, setChaos, signAsParticipant, signingLinks } from '../../mesh/adobe-sign/client';
import { buildEvent } from '../../shared/cloudevents/build';
import { toHttpBinary } from '../../shared/cloudevents/http';
import { tempo } from '../fixtures/sales';
import { unique } from '../support/db';
import { eventually } from '../support/eventually';
import { startTestMesh } from '../support/mesh';

/**
 * Contract signing on the local mesh while the Adobe Sign sandbox misbehaves as Adobe does:
 * every notification delivered twice, notifications reordered, API calls answered 429 with
 * retryAfter. A Warsaw door installation (Tempo, no technical visit) is signed from the email's
 * link and released once, with one signed event each; a forged notification is refused and
 * stores nothing; a second sale declined on the signing page leaves the operator a follow-up task.
 * Info logs: esign-webhooks says which deliveries were duplicates (the sandbox keeps no record of
 * its duplicate copies).
 */
const mesh = await startTestMesh({ LOG_LEVEL: 'info' });
const db = new pg.Pool({ connectionString: mesh.databaseUrl, max: 2 });
afterAll(() => db.end());
const sandbox = mesh.esignSandbox!.url;
const OPERATOR = 'operator-pl';

type Json = Record<string, unknown> & { items?: Json[] };

async function call(method: string, path: string, user: string | undefined, body?: unknown, headers: Record<string, string> = {}) {
  const all: Record<string, string> = { 'content-type': 'application/json', ...headers };
  if (user) all.authorization = `Bearer ${await mesh.token(user)}`;
  const response = await fetch(`${mesh.url}${path}`, { method, headers: all, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Json };
}

/** What went wrong, with the mesh's last lines, when a wait gives up. */
const withLogs = (what: string) => (error: unknown) => {
  throw new Error(`${what}: ${String(error)}\nmesh log:\n${mesh.logs.slice(-60).join('\n')}`);
};

/** A Tempo phone sale of three interior doors in Warsaw (no technical visit), published raw as Tempo does; answers the service order id. */
async function sellDoors(): Promise<string> {
  const sale = tempo('tempo-created-pl', unique());
  const { headers, body } = toHttpBinary(buildEvent(salesOrderCreated, sale as never, { source: '/sales/tempo', id: sale.event_id }));
  expect((await fetch(`${mesh.url}/_bus/topics/sales.order.created`, { method: 'POST', headers, body })).status).toBe(202);
  const order = await eventually(async () =>
    (await call('GET', '/service-orders/?limit=100', OPERATOR)).body.items?.find((o) => o.salesOrderId === sale.sale.sale_ref),
  ).catch(withLogs('the service order'));
  expect(order.technicalVisitRequired).not.toBe(true);
  return String(order.id);
}

/** The order's contract, once it is out for signature, and the signing link the customer was emailed. */
async function outForSignature(orderId: string): Promise<{ contract: Json; link: string }> {
  const contract = await eventually(async () => {
    const items = (await call('GET', `/contracts/orders/${orderId}`, OPERATOR)).body.items ?? [];
    return items.find((c) => c.status === 'out-for-signature');
  }, 60_000).catch(withLogs('the contract out for signature'));
  const [first] = await eventually(async () => {
    const links = await signingLinks(sandbox, String(contract.agreementId));
    return links.length > 0 ? links : undefined;
  }, 30_000);
  return { contract, link: first!.link };
}

const contractOf = async (id: string) => (await call('GET', `/contracts/${id}`, OPERATOR)).body;

async function events(type: string, column: 'agreementId' | 'serviceOrderId', value: string) {
  const { rows } = await db.query<{ id: string }>(`SELECT id FROM platform.outbox WHERE type = $1 AND data->>'${column}' = $2`, [type, value]);
  return rows.length;
}

async function agreementRow(agreementId: string) {
  const { rows } = await db.query<{ status: string; updated_at: Date }>('SELECT status, updated_at FROM contracts.agreements WHERE agreement_id = $1', [
    agreementId,
  ]);
  return rows[0];
}

/** esign-webhooks' account of each notification it received for the agreement (info logs). */
function receptions(agreementId: string): { webhookNotificationId: string; duplicate: boolean }[] {
  return mesh.logs
    .filter((l) => l.startsWith('[esign-webhooks] ') && l.includes('e-signature notification received'))
    .map((l) => {
      try {
        return JSON.parse(l.slice('[esign-webhooks] '.length)) as { agreementId?: string; webhookNotificationId: string; duplicate: boolean };
      } catch {
        return undefined;
      }
    })
    .filter((r): r is { agreementId: string; webhookNotificationId: string; duplicate: boolean } => r?.agreementId === agreementId);
}

/** How many of the service's log lines tell of Adobe's 429 (the sandbox's throttle). */
const throttled = (service: string) => mesh.logs.filter((l) => l.startsWith(`[${service}] `) && l.includes('429 THROTTLING_TOO_MANY_REQUESTS')).length;

const chaosNow = async () => (await (await fetch(`${sandbox}/_sandbox/chaos`)).json()) as { throttle: { count: number } };

describe('contract signing under Adobe Sign chaos', { timeout: 90_000 }, () => {
  let declinedOrder = '';

  it('when the customer signs while notifications are duplicated and reordered and the API throttles, then the installation is released once, with one signed event each', async () => {
    await setChaos(sandbox, { duplicate: true, reorder: true, reorderWindowMs: 300, throttle: { count: 3, retryAfterSeconds: 1 } });
    const orderId = await sellDoors();
    declinedOrder = await sellDoors(); // the second customer declines (below); their contract goes out meanwhile
    const { contract, link } = await outForSignature(orderId);
    const agreementId = String(contract.agreementId);
    await outForSignature(declinedOrder); // both sent: nothing else calls Adobe until the signature
    // Sending went through the throttle: the 429s were met by the contract workers, and retried.
    expect((await chaosNow()).throttle.count).toBe(0);
    expect(throttled('contract-signing')).toBeGreaterThan(0);

    // Throttled again as the signature comes in: the notifications' read-back meets 429s too.
    await setChaos(sandbox, { throttle: { count: 2, retryAfterSeconds: 1 } });
    expect(await signAsParticipant(sandbox, link)).toMatchObject({ agreementId, agreementStatus: 'SIGNED' });

    await eventually(
      async () => ((await call('GET', `/service-orders/${orderId}`, OPERATOR)).body.installation as Json | undefined)?.contract === 'signed' || undefined,
      60_000,
    ).catch(withLogs('the installation released'));
    const signed = await eventually(async () => {
      const c = await contractOf(String(contract.id));
      return c.status === 'signed' ? c : undefined;
    }, 30_000);
    expect(((signed.documents as Json[]) ?? []).map((d) => d.kind).sort()).toEqual(['audit-trail', 'draft', 'signed']);
    expect((await chaosNow()).throttle.count).toBe(0);
    expect(throttled('esign-notifications')).toBeGreaterThan(0);

    // The sandbox delivered every notification (the webhook acknowledged them) and sent copies:
    // esign-webhooks received some notification of this agreement more than once.
    const deliveries = await eventually(async () => {
      const all = ((await (await fetch(`${sandbox}/_sandbox/deliveries`)).json()) as { deliveries: { agreementId: string; event: string; state: string }[] })
        .deliveries;
      const mine = all.filter((d) => d.agreementId === agreementId);
      return mine.some((d) => d.event === 'AGREEMENT_WORKFLOW_COMPLETED') && mine.every((d) => d.state === 'DELIVERED') ? mine : undefined;
    }, 30_000);
    expect(deliveries.length).toBeGreaterThan(0);
    const seen = await eventually(async () => {
      const r = receptions(agreementId);
      return r.some((x) => x.duplicate) ? r : undefined;
    }, 30_000).catch(withLogs('a duplicate delivery received by esign-webhooks'));
    expect(seen.length).toBeGreaterThan(new Set(seen.map((r) => r.webhookNotificationId)).size);

    // ...and yet one of each signed event.
    expect(await events('ahs.contracts.agreement.signed', 'agreementId', agreementId)).toBe(1);
    expect(await events('ahs.contracts.contract.signed', 'serviceOrderId', orderId)).toBe(1);
    expect((await agreementRow(agreementId))?.status).toBe('SIGNED');
  });

  it('when a notification comes with a client id that is not the account’s, then it is refused and nothing is stored', async () => {
    const { contract } = await outForSignature(declinedOrder);
    const agreementId = String(contract.agreementId);
    const before = await agreementRow(agreementId);
    expect(before?.status).toBe('OUT_FOR_SIGNATURE');
    const webhookNotificationId = randomUUID();
    const forged = await call(
      'POST',
      '/esign-webhooks/',
      undefined,
      {
        webhookId: randomUUID(),
        webhookName: 'ahs-field-service',
        webhookNotificationId,
        webhookScope: 'ACCOUNT',
        event: 'AGREEMENT_WORKFLOW_COMPLETED',
        subEvent: '',
        eventDate: new Date().toISOString(),
        eventResourceType: 'agreement',
        agreement: { id: agreementId, name: String(contract.id), status: 'SIGNED' },
      },
      { 'X-AdobeSign-ClientId': `forged-${unique()}` },
    );
    expect(forged.status).toBeGreaterThanOrEqual(400);
    const { rows } = await db.query('SELECT 1 FROM contracts.esign_notifications WHERE webhook_notification_id = $1', [webhookNotificationId]);
    expect(rows).toHaveLength(0);
    expect(await agreementRow(agreementId)).toEqual(before);
    expect(await contractOf(String(contract.id))).toMatchObject({ status: 'out-for-signature', agreementId });
  });

  it('when the customer declines on the signing page, then the contract is declined and the Polish operator gets the follow-up task', async () => {
    const { contract, link } = await outForSignature(declinedOrder);
    const agreementId = String(contract.agreementId);
    await declineAsParticipant(link, 'I want a different door model');
    await eventually(async () => ((await contractOf(String(contract.id))).status === 'declined' ? true : undefined), 60_000).catch(
      withLogs('the contract declined'),
    );
    expect((await agreementRow(agreementId))?.status).toBe('DECLINED');
    expect(await events('ahs.contracts.agreement.declined', 'agreementId', agreementId)).toBe(1);

    const task = await eventually(async () => {
      const tasks = (await call('GET', '/operator-tasks/tasks?limit=100', OPERATOR)).body.items ?? [];
      for (const t of tasks.filter((x) => x.name === 'Call the customer: re-send, paper or cancel')) {
        const detail = (await call('GET', `/operator-tasks/tasks/${String(t.key)}`, OPERATOR)).body;
        if ((detail.variables as Json | undefined)?.contractId === contract.id) return detail;
      }
      return undefined;
    }, 60_000).catch(withLogs('the follow-up task'));
    expect(task).toMatchObject({ state: 'CREATED', process: 'service-order-contract' });
    expect(task.scope).toEqual({ country: 'PL', businessUnit: 'PL-MAZOWIECKIE', store: 'PL-WAW-0021' });
    // Another country's operator does not see it.
    const italian = (await call('GET', '/operator-tasks/tasks?limit=100', 'operator-it')).body.items ?? [];
    expect(italian.some((t) => t.key === task.key)).toBe(false);
  });
});
