import type { WarrantyView } from '../../shared/domain/warranties';

export interface FormRow {
  id: string;
  service_order_id: string;
  kind: string;
  rework_id: string | null;
  status: string;
  answer: string | null;
  rejection_reason: string | null;
  answered_at: Date | null;
  answered_via: string | null;
  language: string;
  attempt: number;
  agreement_id: string | null;
  signed_at: Date | null;
  created_at: Date;
  updated_at: Date;
  sales_system: string;
  sales_order_id: string | null;
  country_code: string;
  business_unit_code: string;
  store_code: string;
}

export interface ReserveRow {
  id: string;
  form_id: string;
  seq: number;
  origin: string;
  description: string;
  location: string;
  photo_refs: string[];
  status: string;
  rework_id: string | null;
  lifted_at: Date | null;
  lifted_by: string | null;
  lifted_note: string | null;
  lifted_photo_refs: string[];
  confirmed_at: Date | null;
  created_at: Date;
}

export interface ReworkRow {
  id: string;
  round: number;
  origin: string;
  provider_id: string;
  deadline: Date;
  status: string;
  lifted_at: Date | null;
  created_at: Date;
}

export interface DisputeRow {
  id: string;
  reason: string;
  opened_by: string | null;
  status: string;
  opened_at: Date;
  resolved_at: Date | null;
}

export interface DocumentRow {
  id: string;
  kind: string;
  sha256: string;
  size_bytes: number;
  content_type: string;
  agreement_id: string | null;
  created_at: Date;
}

const time = (v: Date | null) => (v ? v.toISOString() : null);

/** A form as the office lists it, with where its order belongs. */
export function presentForm(f: FormRow) {
  return {
    id: f.id,
    serviceOrderId: f.service_order_id,
    order: { salesSystem: f.sales_system, salesOrderId: f.sales_order_id, country: f.country_code, businessUnit: f.business_unit_code, store: f.store_code },
    kind: f.kind,
    reworkId: f.rework_id,
    status: f.status,
    answer: f.answer,
    rejectionReason: f.rejection_reason,
    answeredAt: time(f.answered_at),
    answeredVia: f.answered_via,
    language: f.language,
    attempt: f.attempt,
    agreementId: f.agreement_id,
    signedAt: time(f.signed_at),
    createdAt: time(f.created_at),
    updatedAt: time(f.updated_at),
  };
}

export const presentReserve = (r: ReserveRow) => ({
  id: r.id,
  formId: r.form_id,
  seq: r.seq,
  origin: r.origin,
  description: r.description,
  location: r.location,
  photoRefs: r.photo_refs,
  status: r.status,
  reworkId: r.rework_id,
  liftedAt: time(r.lifted_at),
  liftedBy: r.lifted_by,
  liftedNote: r.lifted_note,
  liftedPhotoRefs: r.lifted_photo_refs,
  confirmedAt: time(r.confirmed_at),
});

export const presentRework = (w: ReworkRow) => ({
  id: w.id,
  round: w.round,
  origin: w.origin,
  providerId: w.provider_id,
  deadline: time(w.deadline),
  status: w.status,
  liftedAt: time(w.lifted_at),
  createdAt: time(w.created_at),
});

export const presentDispute = (d: DisputeRow) => ({
  id: d.id,
  reason: d.reason,
  openedBy: d.opened_by,
  status: d.status,
  openedAt: time(d.opened_at),
  resolvedAt: time(d.resolved_at),
});

/** A document's metadata (the bytes stay in object storage). */
export const presentDocument = (d: DocumentRow) => ({
  id: d.id,
  kind: d.kind,
  sha256: d.sha256,
  sizeBytes: d.size_bytes,
  contentType: d.content_type,
  agreementId: d.agreement_id,
  createdAt: time(d.created_at),
});

export const presentWarranty = (w: WarrantyView) => ({
  code: w.code,
  name: w.name,
  legalSource: w.legalSource,
  startsOn: w.startsOn,
  endsOn: w.endsOn,
  running: w.running,
  daysLeft: w.daysLeft,
  reportingWindowDays: w.reportingWindowDays,
});
