import type { Queryable } from '../../shared/db';
import { NotFoundError } from '../../shared/errors';

/**
 * The order as a provider sees it before and after accepting: where (store, postal code), what
 * (products, skills) and when (requested window). Never the customer's name, phone, email or
 * street — those come with the appointment, to the assigned technician.
 */
export const ORDER_SUMMARY = `json_build_object(
    'serviceOrderId', o.id,
    'countryCode', o.country_code,
    'businessUnit', bu.code,
    'store', json_build_object('code', s.code, 'name', s.name),
    'postalCode', c.postal_code,
    'city', c.city,
    'skills', o.skills,
    'requestedWindow', json_build_object('from', to_char(o.requested_from, 'YYYY-MM-DD'), 'to', to_char(o.requested_to, 'YYYY-MM-DD')),
    'products', COALESCE((
      SELECT json_agg(json_build_object('code', l.service_product_code, 'name', p.name, 'quantity', l.quantity::float8) ORDER BY l.line_no)
        FROM orders.service_order_lines l JOIN orders.service_products p ON p.code = l.service_product_code
       WHERE l.service_order_id = o.id), '[]'::json)
  )`;

export const ORDER_JOINS = `JOIN orders.service_orders o ON o.id = x.service_order_id
       JOIN org.business_units bu ON bu.id = o.business_unit_id
       JOIN org.stores s ON s.id = o.store_id
       JOIN orders.customers c ON c.id = o.customer_id`;

/** A timestamp as ISO 8601 UTC (what `Date.toISOString()` gives), whatever the session's time zone. */
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** An offer with what decides whether it can still be answered, locked for the answer. */
export interface OfferRow {
  id: string;
  dispatch_id: string;
  service_order_id: string;
  provider_id: string;
  status: 'open' | 'accepted' | 'declined' | 'expired' | 'superseded' | 'withdrawn';
  expires_at: Date;
  order_status: string;
  installation_status: string;
  /** Another offer of the same run was accepted first, or the order already has a live assignment. */
  taken: boolean;
}

/**
 * The caller's provider's offer, locked (with its dispatch run, so two providers answering
 * parallel offers of one run take turns: the first to accept wins). Another provider's offer
 * answers 404, as one that does not exist.
 */
export async function lockOffer(tx: Queryable, providerId: string, offerId: string): Promise<OfferRow> {
  const {
    rows: [dispatch],
  } = await tx.query<{ dispatch_id: string }>(
    `SELECT d.id AS dispatch_id FROM dispatch.offers x JOIN dispatch.dispatches d ON d.id = x.dispatch_id
      WHERE x.id = $1 AND x.provider_id = $2 FOR UPDATE OF d`,
    [offerId, providerId],
  );
  if (!dispatch) throw new NotFoundError(`no offer ${offerId} for your provider`);
  const {
    rows: [row],
  } = await tx.query<OfferRow>(
    `SELECT x.id, x.dispatch_id, x.service_order_id, x.provider_id, x.status, x.expires_at,
            o.status AS order_status, o.installation_status,
            (EXISTS (SELECT 1 FROM dispatch.offers other
                      WHERE other.dispatch_id = x.dispatch_id AND other.id <> x.id AND other.status = 'accepted')
             OR EXISTS (SELECT 1 FROM dispatch.assignments a
                         WHERE a.service_order_id = x.service_order_id AND a.status IN ('confirmed', 'completed'))) AS taken
       FROM dispatch.offers x JOIN orders.service_orders o ON o.id = x.service_order_id
      WHERE x.id = $1
      FOR UPDATE OF x`,
    [offerId],
  );
  if (!row) throw new NotFoundError(`no offer ${offerId} for your provider`);
  return row;
}

/** The caller's provider's offers in one (effective) status, soonest deadline first. */
export async function listOffers(db: Queryable, providerId: string, status: string, now: Date) {
  const { rows } = await db.query<{ offer: Record<string, unknown> }>(
    `SELECT json_build_object(
              'offerId', x.id, 'status', x.effective_status, 'expiresAt', ${iso('x.expires_at')}, 'score', x.score::float8,
              'createdAt', ${iso('x.created_at')}, 'answeredAt', ${iso('x.answered_at')}, 'declineReason', x.decline_reason,
              'order', ${ORDER_SUMMARY}) AS offer
       FROM (SELECT *, CASE WHEN status = 'open' AND expires_at <= $3 THEN 'expired' ELSE status END AS effective_status
               FROM dispatch.offers WHERE provider_id = $1) x
       ${ORDER_JOINS}
      WHERE x.effective_status = $2
      ORDER BY x.expires_at, x.id
      LIMIT 200`,
    [providerId, status, now],
  );
  return rows.map((r) => r.offer);
}

/** The caller's provider's live assignments, with their technician, newest first. */
export async function listAssignments(db: Queryable, providerId: string) {
  const { rows } = await db.query<{ assignment: Record<string, unknown> }>(
    `SELECT ${ASSIGNMENT} AS assignment
       FROM dispatch.assignments x ${ORDER_JOINS}
       LEFT JOIN dispatch.technicians t ON t.id = x.technician_id
      WHERE x.provider_id = $1 AND x.status = 'confirmed'
      ORDER BY x.confirmed_at DESC, x.id
      LIMIT 200`,
    [providerId],
  );
  return rows.map((r) => r.assignment);
}

/** One assignment of the caller's provider, as the API shows it (404 for anyone else's). */
export async function findAssignment(db: Queryable, providerId: string, assignmentId: string) {
  const {
    rows: [row],
  } = await db.query<{ assignment: Record<string, unknown> }>(
    `SELECT ${ASSIGNMENT} AS assignment
       FROM dispatch.assignments x ${ORDER_JOINS}
       LEFT JOIN dispatch.technicians t ON t.id = x.technician_id
      WHERE x.id = $1 AND x.provider_id = $2`,
    [assignmentId, providerId],
  );
  if (!row) throw new NotFoundError(`no assignment ${assignmentId} for your provider`);
  return row.assignment;
}

const ASSIGNMENT = `json_build_object(
    'assignmentId', x.id, 'status', x.status, 'source', x.source, 'offerId', x.offer_id, 'confirmedAt', ${iso('x.confirmed_at')},
    'technician', CASE WHEN t.id IS NULL THEN NULL ELSE json_build_object('technicianId', t.id, 'displayName', t.display_name) END,
    'order', ${ORDER_SUMMARY})`;
