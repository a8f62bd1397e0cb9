import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { esignNotificationReceived } from '../../events';
import { parseConfig } from '../../shared/config';
import { adobeSignConfigSchema, adobeSignFromConfig } from '../../shared/esign';
import { FakeAdobeSign } from '../../shared/esign/testing';
import { buildEvent } from '../../shared/cloudevents/build';
import { toHttpBinary } from '../../shared/cloudevents/http';
import { withTransaction, type Db } from '../../shared/db';
import { renderWorkClosingForm } from '../../shared/wcf-document/render';
import { readFormDocument } from '../../functions/wcf-forms/document';
import { lockForm } from '../../functions/wcf-forms/queries';
import { seedWorkedOrder } from '../../test/support/wcf';
import { kitchenSeller } from './flows';

/** Durations (ms) by label: a job type, an Adobe Sign call, an object store call, a step of the bench. */
export class Timings {
  readonly byLabel = new Map<string, number[]>();
  add(label: string, ms: number) {
    const list = this.byLabel.get(label) ?? [];
    list.push(ms);
    this.byLabel.set(label, list);
  }
  async time<T>(label: string, work: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      this.add(label, performance.now() - t0);
    }
  }
  /** Jobs a worker did not complete (answered other than 200: retried by the engine). */
  notCompleted() {
    return [...this.byLabel].filter(([l]) => l.startsWith('not-200:')).reduce((n, [, v]) => n + v.length, 0);
  }
  clear() {
    this.byLabel.clear();
  }
  /** Per label: count, mean and summed ms, and the share of the summed time of the labels given. */
  table(labels: string[]) {
    const total = labels.reduce((s, l) => s + (this.byLabel.get(l) ?? []).reduce((a, b) => a + b, 0), 0);
    return Object.fromEntries(
      labels.map((l) => {
        const list = this.byLabel.get(l) ?? [];
        const sum = list.reduce((a, b) => a + b, 0);
        return [l, { n: list.length, meanMs: Number((sum / Math.max(1, list.length)).toFixed(1)), share: Number((sum / total).toFixed(2)) }];
      }),
    );
  }
}

/** Every async method of `target` timed under `<prefix>:<method>` (the Adobe Sign adapter, the object store). */
export function timedMethods<T extends object>(target: T, prefix: string, timings: Timings): T {
  return new Proxy(target, {
    get(t, name, receiver) {
      const value = Reflect.get(t, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const t0 = performance.now();
        const result = (value as (...a: unknown[]) => unknown).apply(t, args);
        if (result instanceof Promise) return result.finally(() => timings.add(`${prefix}:${String(name)}`, performance.now() - t0));
        return result;
      };
    },
  });
}

/**
 * A pass-through in front of a worker function: times each job from its arrival to the worker's
 * whole answer, keyed by job type (the CloudEvent subject), and hands the job's and the answer's
 * variables to `onAnswer`.
 */
export async function jobTimingProxy(
  target: string,
  timings: Timings,
  onAnswer: (type: string, job: Record<string, unknown>, answer: Record<string, unknown>) => void,
) {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const type = String(req.headers['ce-subject'] ?? 'unknown');
      const t0 = performance.now();
      const forward = httpRequest({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (c: Buffer) => parts.push(c));
        answer.on('end', () => {
          timings.add(answer.statusCode === 200 ? type : `not-200:${type}`, performance.now() - t0);
          const text = Buffer.concat(parts);
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(text);
          try {
            const vars = (JSON.parse(body.toString()) as { variables?: Record<string, unknown> }).variables ?? {};
            onAnswer(type, vars, (JSON.parse(text.toString()) as { variables?: Record<string, unknown> }).variables ?? {});
          } catch {
            // not a job or not a completion: nothing to hand on
          }
        });
      });
      forward.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Promises settled by key, whichever of `wait` and `settle` comes first. */
export class Rendezvous<T> {
  private readonly values = new Map<string, T>();
  private readonly waiting = new Map<string, (value: T) => void>();
  settle(key: string, value: T) {
    const resolve = this.waiting.get(key);
    if (resolve) resolve(value);
    else this.values.set(key, value);
  }
  wait(key: string): Promise<T> {
    if (this.values.has(key)) return Promise.resolve(this.values.get(key)!);
    return new Promise((resolve) => this.waiting.set(key, resolve));
  }
}

export interface BenchOrder {
  id: string;
  country: string;
  businessUnit: string;
  store: string;
}

/**
 * `count` orders sold through the real order-intake (a Pyxis ES kitchen), worked to check-out as
 * test/support/wcf.ts seeds them, and whose work closing wcf-start has recorded (wcf.requests).
 */
export async function workedOrders(db: Db, intakeUrl: string, count: number): Promise<BenchOrder[]> {
  const sell = kitchenSeller(db, intakeUrl, 'W');
  const orders: BenchOrder[] = [];
  for (let i = 0; i < count; i++) {
    const order = await seedWorkedOrder(db, sell);
    await db.query('INSERT INTO wcf.requests (service_order_id, appointment_id, work_completed_at) VALUES ($1, $2, $3)', [
      order.id,
      order.appointmentId,
      order.checkedOutAt,
    ]);
    const { rows } = await db.query<BenchOrder>(
      `SELECT o.id, o.country_code AS country, bu.code AS "businessUnit", s.code AS store FROM orders.service_orders o
         JOIN org.business_units bu ON bu.id = o.business_unit_id JOIN org.stores s ON s.id = o.store_id WHERE o.id = $1`,
      [order.id],
    );
    orders.push(rows[0]!);
  }
  return orders;
}

/** wcf-send's own work on a sent form, redone outside it and timed apart: reading the form's document (DB), rendering the PDF. */
export async function sendSplit(db: Db, orderIds: string[]): Promise<{ readDocumentMs: number; renderPdfMs: number; pdfBytes: number }> {
  let read = 0;
  let render = 0;
  let bytes = 0;
  for (const orderId of orderIds) {
    const t0 = performance.now();
    const { document } = await withTransaction(db, async (tx) => {
      const { rows } = await tx.query<{ id: string }>(`SELECT id FROM wcf.forms WHERE service_order_id = $1 AND kind = 'closing'`, [orderId]);
      const form = await lockForm(tx, rows[0]!.id);
      return readFormDocument(tx, form, (form.answered_at ?? new Date()).toISOString().slice(0, 10));
    });
    const t1 = performance.now();
    bytes += (await renderWorkClosingForm(document)).length;
    read += t1 - t0;
    render += performance.now() - t1;
  }
  const mean = (n: number) => Number((n / orderIds.length).toFixed(1));
  return { readDocumentMs: mean(read), renderPdfMs: mean(render), pdfBytes: Math.round(bytes / orderIds.length) };
}

/** The steps as rows: for each pass, mean ms per step and its share of the summed step time. */
export function stepRows(steps: string[], passes: Record<string, Record<string, { n: number; meanMs: number; share: number }>>) {
  const cell = (r: { meanMs: number; share: number } | undefined) => (r ? `${r.meanMs} ms ${Math.round(r.share * 100)}%` : '-');
  const names = Object.keys(passes);
  const lines = [['step', ...names].map((x, i) => x.padEnd(i === 0 ? 22 : 20)).join('')];
  for (const step of steps) lines.push([step.padEnd(22), ...names.map((n) => cell(passes[n]![step]).padEnd(20))].join(''));
  return lines.join('\n');
}

/** FakeAdobeSign behind the real adapter, every adapter call timed under `adobe:<method>`. */
export async function fakeAdobeSign(timings: Timings) {
  const fake = await FakeAdobeSign.start();
  const settings = {
    ADOBE_SIGN_CLIENT_ID: 'fake-client-id',
    ADOBE_SIGN_CLIENT_SECRET: 'fake-client-secret',
    ADOBE_SIGN_REFRESH_TOKEN: 'fake-refresh-token',
    ADOBE_SIGN_API_HOST: fake.url,
    ADOBE_SIGN_TIMEOUT_MS: '30000',
  };
  return { fake, esign: timedMethods(adobeSignFromConfig(parseConfig(adobeSignConfigSchema, settings)), 'adobe', timings) };
}

/** Every participant of the agreement signs in turn at the fake (customer, technician, then the store approves). */
export function everyoneSigns(fake: FakeAdobeSign, agreementId: string) {
  const sets = fake.agreements.get(agreementId)!.body.participantSetsInfo as { memberInfos: { email: string }[]; order: number }[];
  for (const set of [...sets].sort((a, b) => a.order - b.order)) fake.sign(agreementId, set.memberInfos[0]!.email);
}

/** Adobe's webhook, as esign-webhooks stores and hands it on: the agreement's workflow completed. */
export async function notifyCompleted(url: string, agreementId: string) {
  const data = { webhookNotificationId: randomUUID(), agreementId, event: 'AGREEMENT_WORKFLOW_COMPLETED', eventDate: new Date().toISOString() };
  const { headers, body } = toHttpBinary(buildEvent(esignNotificationReceived, data, { source: '/functions/esign-webhooks', id: data.webhookNotificationId }));
  const answer = await fetch(url, { method: 'POST', headers, body });
  if (answer.status !== 200) throw new Error(`esign-notifications answered ${answer.status}`);
}
