import type { Queryable } from '../db';

/** Who acted on a claim: an operator's or technician's subject, or 'system' or 'customer'. */
export type ClaimActor = string;

/**
 * Appends a step to a claim's audit trail (claims.history, append-only), in the caller's
 * transaction. `action` is kebab-case (`opened`, `acknowledged`, `refund-approved`...); `detail`
 * holds what was decided with what, never the customer's contact details.
 */
export async function recordClaimHistory(
  db: Queryable,
  claimId: string,
  actor: ClaimActor,
  action: string,
  detail: Record<string, unknown> = {},
  at?: Date,
): Promise<void> {
  await db.query(`INSERT INTO claims.history (claim_id, actor, action, detail, at) VALUES ($1, $2, $3, $4, COALESCE($5, NOW()))`, [
    claimId,
    actor,
    action,
    JSON.stringify(detail),
    at ?? null,
  ]);
}

/** Whether the claim's history already has `action` (a retried job records a step once). */
export async function hasClaimHistory(db: Queryable, claimId: string, action: string): Promise<boolean> {
  const { rowCount } = await db.query(`SELECT 1 FROM claims.history WHERE claim_id = $1 AND action = $2 LIMIT 1`, [claimId, action]);
  return (rowCount ?? 0) > 0;
}

/** The short reference the customer and the office quote for a claim (its id's first eight characters, upper case). */
export const claimReference = (claimId: string) => claimId.slice(0, 8).toUpperCase();
