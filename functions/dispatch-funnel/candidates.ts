import type { DbClient } from '../../shared/db';
import type { FunnelOrder } from './order';
import type { ProviderFacts } from './ranking';

const DAY_MS = 86_400_000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The days a technician must have free capacity on: the order's requested window (from today
 * on) when it has one still open, else the next `horizonDays` days.
 */
export function capacityWindow(order: Pick<FunnelOrder, 'requestedFrom' | 'requestedTo'>, today: Date, horizonDays: number): { from: string; to: string } {
  const first = isoDay(today);
  if (order.requestedFrom && order.requestedTo && order.requestedTo >= first) {
    return { from: order.requestedFrom > first ? order.requestedFrom : first, to: order.requestedTo };
  }
  return { from: first, to: isoDay(new Date(today.getTime() + (horizonDays - 1) * DAY_MS)) };
}

/**
 * Providers eligible for an order: active, of its country, serving its business unit (and its
 * store when the provider lists stores), with a zone whose prefix matches the postal code, not
 * excluded for this order, and with at least one active technician who has every skill the
 * order needs, covers the postal code (or lists no zones) and has a working day in the window
 * not fully booked by appointments.
 */
export async function eligibleProviders(tx: DbClient, order: FunnelOrder, window: { from: string; to: string }): Promise<ProviderFacts[]> {
  const postal = order.postalCode.replace(/\s+/g, '');
  const { rows } = await tx.query<ProviderFacts>(
    `WITH days AS (
       SELECT d::date AS day FROM generate_series($1::date, $2::date, INTERVAL '1 day') AS d
     ),
     zone AS (
       SELECT z.provider_id, MIN(z.priority)::int AS priority,
              (array_agg(z.postal_code_prefix ORDER BY z.priority, length(z.postal_code_prefix) DESC))[1] AS prefix
         FROM dispatch.provider_zones z WHERE $3 LIKE z.postal_code_prefix || '%' GROUP BY z.provider_id
     ),
     techs AS (
       SELECT t.provider_id, t.id FROM dispatch.technicians t
        WHERE t.active AND t.skills::text[] @> $4::text[]
          AND (cardinality(t.zones) = 0 OR EXISTS (SELECT 1 FROM unnest(t.zones) AS tz(prefix) WHERE $3 LIKE tz.prefix || '%'))
          AND EXISTS (
            SELECT 1 FROM days
             WHERE EXTRACT(ISODOW FROM days.day)::int = ANY (t.working_days)
               AND COALESCE((SELECT SUM(EXTRACT(EPOCH FROM (a.ends_at - a.starts_at))) / 3600 FROM field.appointments a
                              WHERE a.technician_id = t.id AND a.status <> 'cancelled'
                                AND a.starts_at >= days.day AND a.starts_at < days.day + 1), 0) < t.daily_capacity_hours)
     )
     SELECT p.id AS "providerId", zone.prefix AS "zonePrefix", zone.priority AS "zonePriority",
            p.quality_score::float8 AS "qualityScore", p.cost_index::float8 AS "costIndex",
            (SELECT count(*) FROM dispatch.assignments a WHERE a.provider_id = p.id AND a.status = 'confirmed')::int AS "liveAssignments",
            array_agg(techs.id::text ORDER BY techs.id) AS "technicianIds"
       FROM dispatch.providers p
       JOIN zone ON zone.provider_id = p.id
       JOIN techs ON techs.provider_id = p.id
      WHERE p.status = 'active' AND p.country_code = $5
        AND EXISTS (SELECT 1 FROM dispatch.provider_business_units b WHERE b.provider_id = p.id AND b.business_unit_id = $6)
        AND (NOT EXISTS (SELECT 1 FROM dispatch.provider_stores s WHERE s.provider_id = p.id)
             OR EXISTS (SELECT 1 FROM dispatch.provider_stores s WHERE s.provider_id = p.id AND s.store_id = $7))
        AND NOT EXISTS (SELECT 1 FROM dispatch.exclusions e WHERE e.service_order_id = $8 AND e.provider_id = p.id)
      GROUP BY p.id, zone.prefix, zone.priority`,
    [window.from, window.to, postal, order.skills, order.countryCode, order.businessUnitId, order.storeId, order.id],
  );
  return rows;
}
