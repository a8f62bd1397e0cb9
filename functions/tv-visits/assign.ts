import type { Principal } from '../../shared/auth/principal';
import { isOffice } from '../../shared/auth/tenant';
import { ConflictError, ForbiddenError, NotFoundError } from '../../shared/errors';
import type { WriteContext } from '../../shared/http';
import { present } from './present';
import { findVisit } from './queries';
import type { AssignmentBody } from './schema';

/**
 * Assigns (or re-assigns) the pending visit of an order to a technician of a provider, with an
 * appointment. Operators and admins in scope assign any provider; a provider admin only their
 * own provider's technicians. A technician who does not work for that provider answers 404.
 */
export async function assignVisit({ tx, now }: WriteContext, principal: Principal, orderId: string, body: AssignmentBody) {
  const visit = await findVisit(tx, principal, orderId, { lock: true });
  if (!isOffice(principal) && body.providerId !== principal.scope.providerId) {
    throw new ForbiddenError('a provider admin assigns the technicians of their own provider only');
  }
  if (visit.status !== 'scheduled') {
    throw new ConflictError(`the technical visit of service order ${orderId} is ${visit.status}, not pending`, 'no-pending-visit');
  }
  // The technician must work for that provider: the visit's technician reads and records it.
  const {
    rows: [technician],
  } = await tx.query<{ active: boolean }>('SELECT active FROM dispatch.technicians WHERE subject = $1 AND provider_id = $2', [
    body.technician,
    body.providerId,
  ]);
  if (!technician) throw new NotFoundError(`technician: no technician ${body.technician} in provider ${body.providerId}`);
  if (!technician.active) throw new ConflictError(`technician ${body.technician} is not active`, 'technician-inactive');
  await tx.query(
    `UPDATE tv.visits SET technician_subject = $2, provider_id = $3, appointment_at = $4, assigned_by = $5,
                          assigned_at = $6, updated_at = NOW()
      WHERE id = $1`,
    [visit.id, body.technician, body.providerId, body.appointmentAt, principal.subject, now],
  );
  // Still visible to the caller: the order's scope did not change, and a provider admin assigned their own provider.
  return present(await findVisit(tx, principal, orderId));
}
