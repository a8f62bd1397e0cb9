import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { offerAccepted, offerCreated } from '../../events';
import type { DbClient } from '../../shared/db';
import { informPartner } from '../../shared/domain/messages';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { durationMs } from '../../shared/workflow/duration';
import { confirmAssignment } from './confirm-assignment';
import { liveAssignment, lockOrder, notDispatchable } from './order';
import type { FunnelDeps } from './config';
import { offerVariables } from './schema';

interface Policy {
  autoAccept: boolean;
  offerTimeout: string;
  parallelOffers: number;
}

/** The business unit's policy, else the country's; none: manual accept, PT4H, one offer at a time. */
async function policyOf(tx: DbClient, countryCode: string, businessUnitId: string): Promise<Policy> {
  const {
    rows: [row],
  } = await tx.query<Policy>(
    `SELECT auto_accept AS "autoAccept", offer_timeout AS "offerTimeout", parallel_offers AS "parallelOffers"
       FROM dispatch.auto_accept_policies
      WHERE country_code = $1 AND (business_unit_id = $2 OR business_unit_id IS NULL)
      ORDER BY business_unit_id NULLS LAST LIMIT 1`,
    [countryCode, businessUnitId],
  );
  return row ?? { autoAccept: false, offerTimeout: 'PT4H', parallelOffers: 1 };
}

interface Candidate {
  provider_id: string;
  rank: number;
  score: number;
  explanation: unknown;
}

/** The best candidates of the run not offered in it yet and not excluded for the order. */
async function nextCandidates(tx: DbClient, orderId: string, dispatchId: string, count: number): Promise<Candidate[]> {
  if (count <= 0) return [];
  const { rows } = await tx.query<Candidate>(
    `SELECT c.provider_id, c.rank, c.score::float8 AS score, c.explanation FROM dispatch.candidates c
      WHERE c.dispatch_id = $1
        AND NOT EXISTS (SELECT 1 FROM dispatch.offers o WHERE o.dispatch_id = c.dispatch_id AND o.provider_id = c.provider_id)
        AND NOT EXISTS (SELECT 1 FROM dispatch.exclusions e WHERE e.service_order_id = $2 AND e.provider_id = c.provider_id)
      ORDER BY c.rank LIMIT $3`,
    [dispatchId, orderId, count],
  );
  return rows;
}

/**
 * dispatch-offer-job: keeps the run's open offers at the policy's parallel_offers, offering the
 * order to the next best candidates with a deadline. Completes with `offerOutcome`:
 * - `offered`: offers are open; `offerWait` (ISO duration) is the time to the earliest deadline;
 * - `assigned`: the auto-accept policy accepted the best candidate's offer at once (or the
 *   order already has a live assignment); `assignmentId`, `providerId`;
 * - `exhausted`: no candidate left and no offer open: an operator dispatches by hand.
 */
export function makeOfferJob(deps: FunnelDeps) {
  const clock = deps.clock ?? (() => new Date());
  return async ({ orderId, dispatchId }: z.infer<typeof offerVariables>, { tx, outbox }: JobContext): Promise<JobOutcome> => {
    const order = await lockOrder(tx, orderId);
    const stop = notDispatchable(order);
    if (stop) return stop;
    const live = await liveAssignment(tx, orderId);
    if (live) return { kind: 'complete', variables: { offerOutcome: 'assigned', assignmentId: live.id, providerId: live.provider_id } };
    const now = clock();
    const policy = await policyOf(tx, order.countryCode, order.businessUnitId);
    const timeoutMs = durationMs(deps.settings.offerTimeout ?? policy.offerTimeout);
    const expiresAt = new Date(now.getTime() + timeoutMs);
    const { rows: open } = await tx.query<{ expires_at: Date }>(`SELECT expires_at FROM dispatch.offers WHERE dispatch_id = $1 AND status = 'open'`, [
      dispatchId,
    ]);
    const wanted = policy.autoAccept ? 1 : policy.parallelOffers - open.length;
    const next = await nextCandidates(tx, orderId, dispatchId, wanted);

    for (const c of next) {
      const offerId = randomUUID();
      const status = policy.autoAccept ? 'accepted' : 'open';
      await tx.query(
        `INSERT INTO dispatch.offers (id, dispatch_id, service_order_id, provider_id, status, expires_at, score, explanation, created_at, answered_at, answered_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          offerId,
          dispatchId,
          orderId,
          c.provider_id,
          status,
          expiresAt,
          c.score,
          JSON.stringify(c.explanation),
          now,
          policy.autoAccept ? now : null,
          policy.autoAccept ? 'auto-accept' : null,
        ],
      );
      await outbox.add(
        offerCreated,
        {
          offerId,
          dispatchId,
          serviceOrderId: orderId,
          providerId: c.provider_id,
          rank: c.rank,
          score: c.score,
          expiresAt: expiresAt.toISOString(),
          autoAccepted: policy.autoAccept,
          createdAt: now.toISOString(),
        },
        { subject: orderId },
      );
      if (!policy.autoAccept) {
        await informPartner(outbox, {
          serviceOrderId: orderId,
          countryCode: order.countryCode,
          providerId: c.provider_id,
          templateId: 'dispatch.offer-received',
          parameters: { offerId, expiresAt: expiresAt.toISOString() },
        });
      }
      if (policy.autoAccept) {
        await outbox.add(
          offerAccepted,
          { offerId, serviceOrderId: orderId, providerId: c.provider_id, answeredBy: 'auto-accept', at: now.toISOString() },
          { subject: orderId },
        );
        const assignmentId = await confirmAssignment(tx, outbox, {
          orderId,
          countryCode: order.countryCode,
          providerId: c.provider_id,
          source: 'auto-accept',
          offerId,
          dispatchId,
          at: now,
        });
        return { kind: 'complete', variables: { offerOutcome: 'assigned', assignmentId, providerId: c.provider_id } };
      }
    }

    const deadlines = [...open.map((o) => o.expires_at.getTime()), ...(next.length > 0 ? [expiresAt.getTime()] : [])];
    if (deadlines.length === 0) {
      await tx.query(`UPDATE dispatch.dispatches SET status = 'manual', updated_at = $2 WHERE id = $1`, [dispatchId, now]);
      return { kind: 'complete', variables: { offerOutcome: 'exhausted' } };
    }
    const waitSeconds = Math.max(1, Math.ceil((Math.min(...deadlines) - now.getTime()) / 1000));
    return { kind: 'complete', variables: { offerOutcome: 'offered', offerWait: `PT${waitSeconds}S`, openOffers: deadlines.length } };
  };
}
