import { messages } from '../../bpmn/contract';
import type { Principal } from '../../shared/auth/principal';
import { recordClaimHistory } from '../../shared/domain/claim-history';
import { ConflictError, NotFoundError } from '../../shared/errors';
import type { WriteContext } from '../../shared/http';
import { requestWorkflowMessage } from '../../shared/workflow/request-message';
import { presentClaim } from './present';
import { claimById } from './queries';
import type { FindingsBody } from './schema';

interface ClaimForFindings {
  id: string;
  status: string;
  findings: string | null;
  technician_subject: string | null;
}

/**
 * The expert records what the claim visit found and recommends. The caller must be staff of the
 * provider of the expert order's confirmed (or completed) assignment: a provider admin of it, or
 * the assigned technician; anyone else gets 404, as if the claim did not exist. 409
 * `claim-findings-recorded` once findings are in, `claim-not-investigating` in any other status
 * than investigating. The claim goes to deciding and the workflow is told
 * (claim-findings-recorded, correlated by the claim id) in the same transaction.
 */
export async function recordFindings({ tx, outbox, now }: WriteContext, principal: Principal, claimId: string, body: FindingsBody) {
  const {
    rows: [claim],
  } = await tx.query<ClaimForFindings>(
    `SELECT c.id, c.status, c.findings, t.subject AS technician_subject
       FROM claims.claims c
       JOIN dispatch.assignments a ON a.service_order_id = c.expert_order_id AND a.status IN ('confirmed', 'completed')
       LEFT JOIN dispatch.technicians t ON t.id = a.technician_id
      WHERE c.id = $1 AND a.provider_id = $2
      ORDER BY (a.status = 'confirmed') DESC, a.confirmed_at DESC
      LIMIT 1
      FOR UPDATE OF c`,
    [claimId, principal.scope.providerId],
  );
  const allowed =
    claim && (principal.roles.includes('provider-admin') || (claim.technician_subject !== null && claim.technician_subject === principal.subject));
  if (!claim || !allowed) throw new NotFoundError(`claim ${claimId} not found`);
  if (claim.findings !== null) throw new ConflictError(`the findings of claim ${claimId} are already recorded`, 'claim-findings-recorded');
  if (claim.status !== 'investigating') throw new ConflictError(`claim ${claimId} is ${claim.status}, not investigating`, 'claim-not-investigating');
  await tx.query(
    `UPDATE claims.claims SET findings = $2, recommendation = $3, status = 'deciding', photo_refs = photo_refs || $4::jsonb, updated_at = $5 WHERE id = $1`,
    [claimId, body.findings, body.recommendation, JSON.stringify(body.photoRefs ?? []), now],
  );
  await recordClaimHistory(tx, claimId, principal.subject, 'findings-recorded', { recommendation: body.recommendation }, now);
  await requestWorkflowMessage(
    outbox,
    messages.claimFindingsRecorded,
    claimId,
    { recommendation: body.recommendation },
    { messageId: `claim-findings:${claimId}` },
  );
  return presentClaim(await claimById(tx, claimId));
}
