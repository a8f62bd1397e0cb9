import type { Queryable } from '../../shared/db';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * How an order was dispatched, for the office: each funnel run with its ranked candidates and
 * the explanation of their scores (zone priority, quality, load, cost and their weights), the
 * offers made with their answers, the assignments and the providers excluded. Providers never
 * see this: it names their competitors.
 */
export async function dispatchHistory(db: Queryable, orderId: string) {
  const [runs, candidates, offers, assignments, exclusions] = await Promise.all([
    db.query<{ id: string; status: string; created_at: Date; updated_at: Date }>(
      'SELECT id, status, created_at, updated_at FROM dispatch.dispatches WHERE service_order_id = $1 ORDER BY created_at, id',
      [orderId],
    ),
    db.query<{ dispatch_id: string; provider_id: string; provider_name: string; rank: number; score: string; explanation: unknown }>(
      `SELECT c.dispatch_id, c.provider_id, p.name AS provider_name, c.rank, c.score, c.explanation
         FROM dispatch.candidates c JOIN dispatch.dispatches d ON d.id = c.dispatch_id JOIN dispatch.providers p ON p.id = c.provider_id
        WHERE d.service_order_id = $1 ORDER BY c.rank`,
      [orderId],
    ),
    db.query<{
      id: string;
      dispatch_id: string;
      provider_id: string;
      provider_name: string;
      status: string;
      score: string;
      explanation: unknown;
      expires_at: Date;
      created_at: Date;
      answered_at: Date | null;
      answered_by: string | null;
      decline_reason: string | null;
      decline_comment: string | null;
    }>(
      `SELECT o.id, o.dispatch_id, o.provider_id, p.name AS provider_name, o.status, o.score, o.explanation, o.expires_at, o.created_at,
              o.answered_at, o.answered_by, o.decline_reason, o.decline_comment
         FROM dispatch.offers o JOIN dispatch.providers p ON p.id = o.provider_id
        WHERE o.service_order_id = $1 ORDER BY o.created_at, o.id`,
      [orderId],
    ),
    db.query<{
      id: string;
      provider_id: string;
      provider_name: string;
      technician_id: string | null;
      source: string;
      status: string;
      confirmed_at: Date;
      cancelled_at: Date | null;
      cancel_reason: string | null;
      completed_at: Date | null;
    }>(
      `SELECT a.id, a.provider_id, p.name AS provider_name, a.technician_id, a.source, a.status, a.confirmed_at, a.cancelled_at, a.cancel_reason, a.completed_at
         FROM dispatch.assignments a JOIN dispatch.providers p ON p.id = a.provider_id
        WHERE a.service_order_id = $1 ORDER BY a.confirmed_at, a.id`,
      [orderId],
    ),
    db.query<{ provider_id: string; provider_name: string; reason: string; created_at: Date }>(
      `SELECT e.provider_id, p.name AS provider_name, e.reason, e.created_at
         FROM dispatch.exclusions e JOIN dispatch.providers p ON p.id = e.provider_id
        WHERE e.service_order_id = $1 ORDER BY e.created_at, e.provider_id`,
      [orderId],
    ),
  ]);
  const provider = (id: string, name: string) => ({ id, name });
  return {
    serviceOrderId: orderId,
    runs: runs.rows.map((run) => ({
      dispatchId: run.id,
      status: run.status,
      startedAt: iso(run.created_at),
      updatedAt: iso(run.updated_at),
      candidates: candidates.rows
        .filter((c) => c.dispatch_id === run.id)
        .map((c) => ({
          rank: c.rank,
          provider: provider(c.provider_id, c.provider_name),
          score: Number(c.score),
          explanation: c.explanation,
        })),
      offers: offers.rows
        .filter((o) => o.dispatch_id === run.id)
        .map((o) => ({
          offerId: o.id,
          provider: provider(o.provider_id, o.provider_name),
          status: o.status,
          score: Number(o.score),
          explanation: o.explanation,
          offeredAt: iso(o.created_at),
          expiresAt: iso(o.expires_at),
          answeredAt: iso(o.answered_at),
          answeredBy: o.answered_by,
          declineReason: o.decline_reason,
          declineComment: o.decline_comment,
        })),
    })),
    assignments: assignments.rows.map((a) => ({
      assignmentId: a.id,
      provider: provider(a.provider_id, a.provider_name),
      technicianId: a.technician_id,
      source: a.source,
      status: a.status,
      confirmedAt: iso(a.confirmed_at),
      cancelledAt: iso(a.cancelled_at),
      cancelReason: a.cancel_reason,
      completedAt: iso(a.completed_at),
    })),
    exclusions: exclusions.rows.map((e) => ({ provider: provider(e.provider_id, e.provider_name), reason: e.reason, excludedAt: iso(e.created_at) })),
  };
}
