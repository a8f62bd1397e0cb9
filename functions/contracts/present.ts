import type { AgreementEventRow, ContractRow, DocumentRow } from './queries';

const time = (v: Date | null) => (v ? v.toISOString() : null);

export function presentDocument(d: DocumentRow) {
  return {
    id: d.id,
    kind: d.kind,
    sha256: d.sha256,
    sizeBytes: d.size_bytes,
    contentType: d.content_type,
    retentionClass: d.retention_class,
    createdAt: time(d.created_at),
  };
}

/** A contract with its documents (oldest first). */
export function presentContract(c: ContractRow, documents: DocumentRow[]) {
  return {
    id: c.id,
    serviceOrderId: c.service_order_id,
    status: c.status,
    language: c.language,
    currency: c.currency,
    amounts: {
      listPriceMinor: c.list_price_minor,
      channelAdjustmentMinor: c.channel_adjustment_minor,
      tvExtraCostMinor: c.tv_extra_cost_minor,
      totalMinor: c.total_minor,
    },
    approvalRequired: c.approval_required,
    phoneAuth: c.phone_auth,
    attempt: c.attempt,
    agreementId: c.agreement_id,
    signatureMethod: c.signature_method,
    signedAt: time(c.signed_at),
    createdAt: time(c.created_at),
    updatedAt: time(c.updated_at),
    documents: documents.filter((d) => d.contract_id === c.id).map(presentDocument),
  };
}

/** One entry of the audit trail: who acted (their role, never their email), when, from where, how. */
export function presentEvent(e: AgreementEventRow) {
  return {
    agreementId: e.agreement_id,
    type: e.type,
    occurredAt: time(e.occurred_at),
    participantRole: e.participant_role,
    ipAddress: e.ip_address,
    authenticationMethod: e.authentication_method,
    description: e.description,
  };
}
