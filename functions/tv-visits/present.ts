import type { VisitRow } from './queries';

/** The visit as the API shows it. */
export function present(v: VisitRow) {
  return {
    visitId: v.id,
    serviceOrderId: v.service_order_id,
    status: v.status,
    dueBy: v.due_by.toISOString(),
    installationStatus: v.installation_status,
    assignment: v.technician_subject
      ? {
          technician: v.technician_subject,
          providerId: v.provider_id,
          appointmentAt: v.appointment_at?.toISOString() ?? null,
          assignedAt: v.assigned_at?.toISOString() ?? null,
        }
      : null,
    outcome: v.outcome ? { outcome: v.outcome, notes: v.notes, recordedBy: v.recorded_by, recordedAt: v.recorded_at?.toISOString() ?? null } : null,
    adjustments: v.adjustments,
  };
}
