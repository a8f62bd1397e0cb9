import type { Principal } from '../../shared/auth/principal';
import type { Queryable } from '../../shared/db';
import { NotFoundError } from '../../shared/errors';
import { canSee } from './scope';

/** The latest technical visit of an order, with what decides who may see it. */
export interface VisitRow {
  id: string;
  service_order_id: string;
  status: 'scheduled' | 'completed' | 'cancelled';
  due_by: Date;
  technician_subject: string | null;
  provider_id: string | null;
  appointment_at: Date | null;
  assigned_at: Date | null;
  outcome: 'YES' | 'YES_BUT' | 'NO' | null;
  notes: string | null;
  recorded_by: string | null;
  recorded_at: Date | null;
  country_code: string;
  business_unit_code: string;
  store_code: string;
  order_provider_id: string | null;
  installation_status: string;
  adjustments: {
    lines: unknown[];
    extraCost: { amountMinor: number; currency: string };
    answerDeadline: string | null;
    customerAnswer: 'accepted' | 'refused' | null;
    answeredAt: string | null;
  } | null;
}

/**
 * The latest visit of the order, visible to the caller, or NotFoundError — an order or visit
 * outside the caller's reach answers exactly like one that does not exist. `lock` takes the
 * visit row FOR UPDATE (inside a transaction).
 */
export async function findVisit(db: Queryable, principal: Principal, orderId: string, options: { lock?: boolean } = {}): Promise<VisitRow> {
  const {
    rows: [row],
  } = await db.query<VisitRow>(
    `SELECT v.id, v.service_order_id, v.status, v.due_by, v.technician_subject, v.provider_id, v.appointment_at,
            v.assigned_at, v.outcome, v.notes, v.recorded_by, v.recorded_at,
            o.country_code, bu.code AS business_unit_code, s.code AS store_code, o.provider_id AS order_provider_id,
            o.installation_status,
            CASE WHEN a.visit_id IS NULL THEN NULL ELSE json_build_object(
              'lines', a.lines, 'extraCost', json_build_object('amountMinor', a.extra_cost_minor::float8, 'currency', a.currency),
              'answerDeadline', a.answer_deadline, 'customerAnswer', a.customer_answer, 'answeredAt', a.answered_at) END AS adjustments
       FROM tv.visits v
       JOIN orders.service_orders o ON o.id = v.service_order_id
       JOIN org.business_units bu ON bu.id = o.business_unit_id
       JOIN org.stores s ON s.id = o.store_id
       LEFT JOIN tv.adjustments a ON a.visit_id = v.id
      WHERE v.service_order_id = $1
      ORDER BY v.created_at DESC, v.id LIMIT 1
      ${options.lock ? 'FOR UPDATE OF v' : ''}`,
    [orderId],
  );
  if (!row || !canSee(principal, row)) throw new NotFoundError(`no technical visit of service order ${orderId}`);
  return row;
}
