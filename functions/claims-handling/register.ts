import type { z } from 'zod';
import { hasClaimHistory, recordClaimHistory } from '../../shared/domain/claim-history';
import { claimSettings, entitlement } from '../../shared/domain/claim-rules';
import { orderWarranties } from '../../shared/domain/warranties';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { durationMs } from '../../shared/workflow/duration';
import { localDate } from '../../shared/domain/locale';
import { expectStatus, lockClaim, tellClaimant, type ClaimRow } from './queries';
import type { registerVariables } from './schema';

const outputs = (claim: Pick<ClaimRow, 'entitlement' | 'warranty_code' | 'handling'>, acknowledgeBy: Date): JobOutcome => ({
  kind: 'complete',
  variables: { entitlement: claim.entitlement, warrantyCode: claim.warranty_code, handling: claim.handling, acknowledgeBy: acknowledgeBy.toISOString() },
});

/**
 * claim-register: matches the claim against the order's warranties on the claim's date (in the
 * country's calendar) and the defect's discovery (shared/domain/claim-rules.ts entitlement):
 * covered → handled under that warranty; otherwise an operator decides goodwill or billable at
 * acknowledgement. Tells the customer the claim was received and when it will be acknowledged
 * (the country's acknowledge time, which the model's timer watches: `acknowledgeBy`). A retried
 * job returns what was recorded.
 */
export async function registerClaim({ claimId }: z.infer<typeof registerVariables>, { tx, outbox, job }: JobContext): Promise<JobOutcome> {
  const claim = await lockClaim(tx, claimId, job.processInstanceKey);
  expectStatus(claim, 'received', 'acknowledged', 'investigating', 'deciding', 'awaiting-approval');
  const settings = await claimSettings(tx, claim.country_code);
  const acknowledgeBy = new Date(claim.claimed_at.getTime() + durationMs(settings.acknowledgeWithin));
  if (await hasClaimHistory(tx, claimId, 'registered')) return outputs(claim, acknowledgeBy);

  const claimedOn = localDate(claim.claimed_at, claim.timezone);
  const warranties = await orderWarranties(tx, claim.service_order_id, claimedOn);
  const found = entitlement(warranties, claimedOn, claim.discovered_on ?? undefined);
  const recorded =
    found.entitlement === 'covered'
      ? { entitlement: 'covered' as const, warranty_code: found.warranty.code, handling: 'warranty' as const }
      : { entitlement: 'out-of-warranty' as const, warranty_code: null, handling: null };
  await tx.query(`UPDATE claims.claims SET entitlement = $2, warranty_code = $3, handling = $4, updated_at = NOW() WHERE id = $1`, [
    claimId,
    recorded.entitlement,
    recorded.warranty_code,
    recorded.handling,
  ]);
  const detail =
    found.entitlement === 'covered'
      ? { entitlement: 'covered', warrantyCode: found.warranty.code, warrantyEndsOn: found.warranty.endsOn, legalSource: found.warranty.legalSource }
      : found;
  await recordClaimHistory(tx, claimId, 'system', 'registered', { claimedOn, ...detail, acknowledgeBy: acknowledgeBy.toISOString() });
  await tellClaimant(outbox, claim, 'claim.received', {
    entitlement: recorded.entitlement,
    ...(recorded.warranty_code ? { warrantyCode: recorded.warranty_code } : {}),
    acknowledgeBy: localDate(acknowledgeBy, claim.timezone),
  });
  return outputs(recorded, acknowledgeBy);
}
