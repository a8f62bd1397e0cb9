/** A claim as queries.ts reads it (CLAIM_COLUMNS), with its order's sales reference. */
export interface ClaimRow {
  id: string;
  service_order_id: string;
  order_reference: string | null;
  status: string;
  category: string;
  description: string;
  photo_refs: string[];
  discovered_on: string | null;
  claimed_at: Date;
  opened_via: string;
  opened_by: string | null;
  entitlement: string | null;
  warranty_code: string | null;
  handling: string | null;
  expert_order_id: string | null;
  findings: string | null;
  recommendation: string | null;
  decision: string | null;
  refund_amount_minor: number | null;
  currency: string | null;
  decision_reason: string | null;
  repair_order_id: string | null;
  acknowledged_at: Date | null;
  decided_at: Date | null;
  closed_at: Date | null;
  process_instance_key: string | null;
}

export interface HistoryRow {
  at: Date;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
}

export interface ApprovalRow {
  id: string;
  level: string;
  amount_minor: number;
  decision: string;
  comment: string | null;
  decided_by: string;
  decided_at: Date;
}

const time = (v: Date | null) => (v ? v.toISOString() : null);

export function presentClaim(c: ClaimRow) {
  return {
    id: c.id,
    serviceOrderId: c.service_order_id,
    orderReference: c.order_reference,
    status: c.status,
    category: c.category,
    description: c.description,
    photoRefs: c.photo_refs,
    discoveredOn: c.discovered_on,
    claimedAt: time(c.claimed_at),
    openedVia: c.opened_via,
    openedBy: c.opened_by,
    entitlement: c.entitlement,
    warrantyCode: c.warranty_code,
    handling: c.handling,
    expertOrderId: c.expert_order_id,
    findings: c.findings,
    recommendation: c.recommendation,
    decision: c.decision,
    refundAmountMinor: c.refund_amount_minor,
    currency: c.currency,
    decisionReason: c.decision_reason,
    repairOrderId: c.repair_order_id,
    acknowledgedAt: time(c.acknowledged_at),
    decidedAt: time(c.decided_at),
    closedAt: time(c.closed_at),
    /** The claim's workflow instance: its operator tasks carry the same key (operator-tasks). */
    processInstanceKey: c.process_instance_key,
  };
}

export const presentHistory = (h: HistoryRow) => ({ at: time(h.at), actor: h.actor, action: h.action, detail: h.detail });

export const presentApproval = (a: ApprovalRow) => ({
  id: a.id,
  level: a.level,
  amountMinor: a.amount_minor,
  decision: a.decision,
  comment: a.comment,
  decidedBy: a.decided_by,
  decidedAt: time(a.decided_at),
});
