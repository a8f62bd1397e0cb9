import { randomUUID } from 'node:crypto';
import { DEV_PROVIDER_ID } from '../../mesh/oidc/users';
import type { Db } from '../../shared/db';
import type { PyxisFixture, TempoFixture } from '../fixtures/sales';
import type { SoldOrder } from './tv';

/**
 * What the Work Closing Form's tests share: an order worked by a technician (assignment,
 * appointment done, visit checked in and out, written as dispatch and field-visits write them),
 * its closing form as the workflow opens it, and re-work rounds with their reserves.
 */

/** The dev technicians (dispatch.technicians, seeded): tech-0001 of provider 1111, tech-0002 of 2222. */
export const TECH_1 = '7e000000-0000-4000-8000-000000000001';
export const TECH_2 = '7e000000-0000-4000-8000-000000000002';

type Sell = (fixture?: PyxisFixture | TempoFixture) => Promise<SoldOrder>;

export interface WorkedOrder extends SoldOrder {
  assignmentId: string;
  appointmentId: string;
  providerId: string;
  technicianId: string;
  checkedInAt: Date;
  checkedOutAt: Date;
}

/** A sold order (a Pyxis ES kitchen unless told) worked to check-out by a technician of a provider (tech-0001 of 1111 unless told). */
export async function seedWorkedOrder(
  db: Db,
  sell: Sell,
  options: { fixture?: PyxisFixture | TempoFixture; providerId?: string; technicianId?: string } = {},
): Promise<WorkedOrder> {
  const order = await sell(options.fixture ?? 'pyxis-created');
  const providerId = options.providerId ?? DEV_PROVIDER_ID;
  const technicianId = options.technicianId ?? TECH_1;
  await db.query(`UPDATE orders.service_orders SET installation_status = 'ready', contract_status = 'signed' WHERE id = $1`, [order.id]);
  const assignmentId = randomUUID();
  const appointmentId = randomUUID();
  const checkedInAt = new Date('2027-03-01T08:05:00Z');
  const checkedOutAt = new Date('2027-03-01T13:40:00Z');
  await db.query(
    `INSERT INTO dispatch.assignments (id, service_order_id, provider_id, technician_id, source, status, confirmed_at, completed_at)
     VALUES ($1, $2, $3, $4, 'manual', 'completed', $5, $6)`,
    [assignmentId, order.id, providerId, technicianId, new Date('2027-02-20T10:00:00Z'), checkedOutAt],
  );
  await db.query(
    `INSERT INTO field.appointments (id, service_order_id, assignment_id, technician_id, starts_at, ends_at, status)
     VALUES ($1, $2, $3, $4, '2027-03-01T08:00:00Z', '2027-03-01T14:00:00Z', 'done')`,
    [appointmentId, order.id, assignmentId, technicianId],
  );
  await db.query(
    `INSERT INTO field.visits (appointment_id, checked_in_at, check_in_lat, check_in_lon, punctuality, minutes_off, checked_out_at, work_summary)
     VALUES ($1, $2, 40.4168, -3.7038, 'on-time', 5, $3, 'Kitchen fitted')`,
    [appointmentId, checkedInAt, checkedOutAt],
  );
  return { ...order, assignmentId, appointmentId, providerId, technicianId, checkedInAt, checkedOutAt };
}

export interface FormSeed {
  kind?: 'closing' | 'lifting';
  reworkId?: string;
  status?: 'awaiting-answer' | 'answered' | 'out-for-signature' | 'signed' | 'declined' | 'expired' | 'recalled' | 'esign-unavailable';
  answer?: 'accepted' | 'accepted-with-reserves' | 'rejected';
  /** The agreement out for signature (Adobe's id), kept in contracts.agreements too. */
  agreementId?: string;
  createdAt?: Date;
}

/** A form as the workflow opens it (a closing form awaiting the customer's answer unless told). */
export async function seedForm(db: Db, orderId: string, seed: FormSeed = {}): Promise<string> {
  const id = randomUUID();
  const answer = seed.answer ?? (seed.status && seed.status !== 'awaiting-answer' ? 'accepted' : null);
  await db.query(
    `INSERT INTO wcf.forms (id, service_order_id, kind, process_instance_key, rework_id, status, answer, rejection_reason, answered_at,
                            answered_via, language, attempt, agreement_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'es', $11, $12, $13)`,
    [
      id,
      orderId,
      seed.kind ?? 'closing',
      `8${Date.now()}${Math.floor(Math.random() * 1e6)}`,
      seed.reworkId ?? null,
      seed.status ?? 'awaiting-answer',
      answer,
      answer === 'rejected' ? 'Not what was sold' : null,
      answer ? new Date('2027-03-01T14:00:00Z') : null,
      answer ? 'technician-device' : null,
      seed.agreementId ? 1 : 0,
      seed.agreementId ?? null,
      seed.createdAt ?? new Date(),
    ],
  );
  if (seed.agreementId) {
    await db.query(
      `INSERT INTO contracts.agreements (agreement_id, contract_key, service_order_id, status, wcf_form_id) VALUES ($1, $2, $3, 'OUT_FOR_SIGNATURE', $4)`,
      [seed.agreementId, `${id}:1`, orderId, id],
    );
  }
  return id;
}

export interface ReworkSeed {
  providerId?: string;
  status?: 'open' | 'lifted' | 'confirmed' | 'disputed';
  /** How many reserves the customer made (all open, in this round). */
  reserves?: number;
}

/** A round of re-work of the order's reserves (on its closing form, answered with reserves), given to a provider (1111 unless told). */
export async function seedRework(db: Db, orderId: string, closingFormId: string, seed: ReworkSeed = {}) {
  const id = randomUUID();
  await db.query(
    `INSERT INTO wcf.reworks (id, service_order_id, process_instance_key, round, origin, provider_id, deadline, status)
     VALUES ($1, $2, $3, 1, 'reserves', $4, NOW() + INTERVAL '30 days', $5)`,
    [id, orderId, `8${Date.now()}${Math.floor(Math.random() * 1e6)}`, seed.providerId ?? DEV_PROVIDER_ID, seed.status ?? 'open'],
  );
  const reserveIds: string[] = [];
  for (let seq = 1; seq <= (seed.reserves ?? 2); seq += 1) {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO wcf.reserves (form_id, service_order_id, seq, origin, description, location, photo_refs, rework_id)
       VALUES ($1, $2, $3, 'customer', $4, 'Kitchen, north wall', '["photos/r${seq}.jpg"]', $5) RETURNING id`,
      [closingFormId, orderId, seq, `Scratch on cabinet door ${seq}`, id],
    );
    reserveIds.push(rows[0]!.id);
  }
  return { id, reserveIds };
}
