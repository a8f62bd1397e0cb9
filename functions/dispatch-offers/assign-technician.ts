import type { Principal } from '../../shared/auth/principal';
import { informPartner } from '../../shared/domain/messages';
import { ConflictError, NotFoundError } from '../../shared/errors';
import type { WriteContext } from '../../shared/http';
import { providerOf } from './scope';
import { findAssignment } from './queries';
import type { TechnicianBody } from './schema';

/**
 * The provider admin puts one of the provider's technicians on a live assignment. The
 * technician must be the provider's own (404 otherwise, as if unknown), active
 * (409 `technician-inactive`) and have every skill the order needs (409 `missing-skills`);
 * once an appointment is booked with another technician the assignment keeps its technician
 * (409 `appointment-booked`). Nothing changes when refused. The technician is told (SMS).
 */
export async function assignTechnician({ tx, outbox }: WriteContext, principal: Principal, assignmentId: string, { technicianId }: TechnicianBody) {
  const providerId = providerOf(principal);
  const {
    rows: [assignment],
  } = await tx.query<{
    status: string;
    skills: string[];
    booked_with: string | null;
    service_order_id: string;
    technician_id: string | null;
    country_code: string;
  }>(
    `SELECT a.status, o.skills, a.service_order_id, a.technician_id, o.country_code,
            (SELECT ap.technician_id FROM field.appointments ap
              WHERE ap.assignment_id = a.id AND ap.status IN ('booked', 'checked-in') LIMIT 1) AS booked_with
       FROM dispatch.assignments a JOIN orders.service_orders o ON o.id = a.service_order_id
      WHERE a.id = $1 AND a.provider_id = $2
      FOR UPDATE OF a`,
    [assignmentId, providerId],
  );
  if (!assignment) throw new NotFoundError(`no assignment ${assignmentId} for your provider`);
  if (assignment.status !== 'confirmed') {
    throw new ConflictError(`assignment ${assignmentId} is ${assignment.status}, not live`, 'assignment-not-live');
  }
  const {
    rows: [technician],
  } = await tx.query<{ active: boolean; skills: string[] }>(`SELECT active, skills FROM dispatch.technicians WHERE id = $1 AND provider_id = $2`, [
    technicianId,
    providerId,
  ]);
  if (!technician) throw new NotFoundError(`technicianId: no technician ${technicianId} in your provider`);
  if (!technician.active) throw new ConflictError(`technician ${technicianId} is not active`, 'technician-inactive');
  const missing = assignment.skills.filter((skill) => !technician.skills.includes(skill));
  if (missing.length > 0) {
    throw new ConflictError(`technician ${technicianId} lacks the skills the order needs: ${missing.join(', ')}`, 'missing-skills');
  }
  if (assignment.booked_with !== null && assignment.booked_with !== technicianId) {
    throw new ConflictError(`an appointment of assignment ${assignmentId} is booked with another technician`, 'appointment-booked');
  }
  await tx.query(`UPDATE dispatch.assignments SET technician_id = $2 WHERE id = $1`, [assignmentId, technicianId]);
  if (assignment.technician_id !== technicianId) {
    await informPartner(outbox, {
      serviceOrderId: assignment.service_order_id,
      countryCode: assignment.country_code,
      providerId,
      technicianId,
      templateId: 'dispatch.job-assigned',
      parameters: { assignmentId },
    });
  }
  return findAssignment(tx, providerId, assignmentId);
}
