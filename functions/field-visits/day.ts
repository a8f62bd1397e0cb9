import type { Principal } from '../../shared/auth/principal';
import type { Queryable } from '../../shared/db';
import { NotFoundError } from '../../shared/errors';

interface DayRow {
  id: string;
  service_order_id: string;
  sales_order_id: string | null;
  status: string;
  starts_at: Date;
  ends_at: Date;
  street: string;
  postal_code: string;
  city: string;
  latitude: number | null;
  longitude: number | null;
  notes: string | null;
  products: { code: string; name: string; description: string | null; quantity: number; durationHours: number }[];
  checked_in_at: Date | null;
  punctuality: string | null;
  within_geofence: boolean | null;
  checked_out_at: Date | null;
}

/**
 * The calling technician's appointments of one day (in their provider's country's time zone),
 * cancelled ones left out, in order. The customer's address is shown here, to the assigned
 * technician only: they have to get there.
 */
export async function myDay(db: Queryable, principal: Principal, date: string) {
  const {
    rows: [tech],
  } = await db.query<{ id: string; timezone: string }>(
    `SELECT t.id, c.timezone FROM dispatch.technicians t
       JOIN dispatch.providers p ON p.id = t.provider_id JOIN org.countries c ON c.code = p.country_code
      WHERE t.subject = $1 AND t.provider_id = $2`,
    [principal.subject, principal.scope.providerId],
  );
  if (!tech) throw new NotFoundError('you are not a technician of a provider');
  const { rows } = await db.query<DayRow>(
    `SELECT ap.id, ap.service_order_id, o.sales_order_id, ap.status, ap.starts_at, ap.ends_at,
            c.street, c.postal_code, c.city, c.latitude, c.longitude, o.sales_order_metadata->>'notes' AS notes,
            COALESCE((SELECT json_agg(json_build_object('code', l.service_product_code, 'name', p.name, 'description', l.description,
                                                        'quantity', l.quantity::float8, 'durationHours', p.duration_hours::float8)
                                      ORDER BY l.line_no)
                        FROM orders.service_order_lines l JOIN orders.service_products p ON p.code = l.service_product_code
                       WHERE l.service_order_id = o.id), '[]') AS products,
            v.checked_in_at, v.punctuality, v.within_geofence, v.checked_out_at
       FROM field.appointments ap
       JOIN orders.service_orders o ON o.id = ap.service_order_id
       JOIN orders.customers c ON c.id = o.customer_id
       LEFT JOIN field.visits v ON v.appointment_id = ap.id
      WHERE ap.technician_id = $1 AND ap.status <> 'cancelled'
        AND ap.starts_at >= ($2::date::timestamp AT TIME ZONE $3) AND ap.starts_at < (($2::date + 1)::timestamp AT TIME ZONE $3)
      ORDER BY ap.starts_at, ap.id`,
    [tech.id, date, tech.timezone],
  );
  return {
    date,
    timeZone: tech.timezone,
    appointments: rows.map((r) => ({
      appointmentId: r.id,
      serviceOrderId: r.service_order_id,
      orderRef: r.sales_order_id,
      status: r.status,
      startsAt: r.starts_at.toISOString(),
      endsAt: r.ends_at.toISOString(),
      address: { street: r.street, postalCode: r.postal_code, city: r.city, latitude: r.latitude, longitude: r.longitude },
      products: r.products,
      notes: r.notes,
      visit: r.checked_in_at
        ? {
            checkedInAt: r.checked_in_at.toISOString(),
            punctuality: r.punctuality,
            withinGeofence: r.within_geofence,
            checkedOutAt: r.checked_out_at?.toISOString() ?? null,
          }
        : null,
    })),
  };
}
