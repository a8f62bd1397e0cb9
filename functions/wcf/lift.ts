import { messages } from '../../bpmn/contract';
import type { Principal } from '../../shared/auth/principal';
import type { Queryable } from '../../shared/db';
import { ConflictError, NotFoundError } from '../../shared/errors';
import type { WriteContext } from '../../shared/http';
import { requestWorkflowMessage } from '../../shared/workflow/request-message';
import type { LiftBody } from './schema';

interface ReserveInRound {
  id: string;
  seq: number;
  status: string;
  rework_id: string;
  rework_status: string;
  service_order_id: string;
}

/**
 * A technician (or provider admin) of the provider of the reserve's re-work round records it
 * lifted. 404 for another provider's reserve or one in no round; 409 `reserve-not-open` /
 * `rework-not-open`. The round's last open reserve lifted makes the round `lifted` and tells the
 * workflow (message wcf-reserves-lifted, correlated by the re-work id) in the same transaction.
 * The round is locked first, so two lifts of one round never both miss being the last.
 */
export async function liftReserve({ tx, outbox, now }: WriteContext, principal: Principal, reserveId: string, body: LiftBody) {
  const {
    rows: [reserve],
  } = await tx.query<ReserveInRound>(
    `SELECT r.id, r.seq, r.status, r.rework_id, w.status AS rework_status, w.service_order_id
       FROM wcf.reserves r JOIN wcf.reworks w ON w.id = r.rework_id
      WHERE r.id = $1 AND w.provider_id = $2
      FOR UPDATE OF w, r`,
    [reserveId, principal.scope.providerId],
  );
  if (!reserve) throw new NotFoundError(`no reserve ${reserveId} in a re-work round of your provider`);
  if (reserve.rework_status !== 'open') throw new ConflictError(`the re-work round of reserve ${reserveId} is ${reserve.rework_status}`, 'rework-not-open');
  if (reserve.status !== 'open') throw new ConflictError(`reserve ${reserveId} is already ${reserve.status}`, 'reserve-not-open');
  const technicianId = await liftedBy(tx, principal, reserve.service_order_id);
  await tx.query(`UPDATE wcf.reserves SET status = 'lifted', lifted_at = $2, lifted_by = $3, lifted_note = $4, lifted_photo_refs = $5 WHERE id = $1`, [
    reserveId,
    now,
    technicianId,
    body.note ?? null,
    JSON.stringify(body.photoRefs),
  ]);
  const {
    rows: [left],
  } = await tx.query<{ open: number }>(`SELECT COUNT(*)::int AS open FROM wcf.reserves WHERE rework_id = $1 AND status = 'open'`, [reserve.rework_id]);
  const roundLifted = left?.open === 0;
  if (roundLifted) {
    await tx.query(`UPDATE wcf.reworks SET status = 'lifted', lifted_at = $2 WHERE id = $1`, [reserve.rework_id, now]);
    await requestWorkflowMessage(outbox, messages.wcfReservesLifted, reserve.rework_id, {}, { messageId: `wcf-reserves-lifted:${reserve.rework_id}` });
  }
  return {
    reserveId,
    seq: reserve.seq,
    status: 'lifted',
    liftedAt: now.toISOString(),
    liftedBy: technicianId,
    note: body.note ?? null,
    photoRefs: body.photoRefs,
    rework: { id: reserve.rework_id, status: roundLifted ? 'lifted' : 'open', openReserves: left?.open ?? 0 },
  };
}

/**
 * Who lifted it: the calling technician; for a provider admin, the technician of the order's
 * assignment to their provider. 409 `technician-unknown` when there is none.
 */
async function liftedBy(db: Queryable, principal: Principal, orderId: string): Promise<string> {
  const {
    rows: [row],
  } = await db.query<{ id: string }>(
    `SELECT id FROM (
       SELECT id, 0 AS preference FROM dispatch.technicians WHERE subject = $1 AND provider_id = $2
       UNION ALL
       SELECT a.technician_id, CASE a.status WHEN 'confirmed' THEN 1 ELSE 2 END FROM dispatch.assignments a
        WHERE $3 AND a.service_order_id = $4 AND a.provider_id = $2 AND a.technician_id IS NOT NULL AND a.status IN ('confirmed', 'completed')
     ) t ORDER BY preference LIMIT 1`,
    [principal.subject, principal.scope.providerId, principal.roles.includes('provider-admin'), orderId],
  );
  if (!row) throw new ConflictError('no technician of your provider is known to have lifted it', 'technician-unknown');
  return row.id;
}
