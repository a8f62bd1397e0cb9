import { createHash } from 'node:crypto';
import { messages } from '../../bpmn/contract';
import { fieldVisitCheckedOut, fieldWorkCompleted } from '../../events';
import type { Principal } from '../../shared/auth/principal';
import { ConflictError, InvalidInputError } from '../../shared/errors';
import type { WriteContext } from '../../shared/http';
import { requestWorkflowMessage } from '../../shared/workflow/request-message';
import { actionTime, myAppointment, refuseStale, tellCustomer } from './appointment';
import { decodeSignature, type CheckOutBody } from './schema';

/**
 * The technician checks out: work summary, materials, photo references and the customer's
 * canvas signature (acknowledgement, not an e-signature). Before a check-in: 409 not-checked-in.
 * The order is then worked: its dispatch funnel is closed (message dispatch-order-closed,
 * closure `worked`), which completes the assignment — the provider can no longer withdraw.
 * When the technician says the work is complete (`workComplete`, true unless a multi-day job's
 * earlier day), field.work.completed asks the customer to accept it (Work Closing Form), and the
 * customer is told the work is done and the form follows (field.work-completed).
 */
export async function checkOut({ tx, outbox, now }: WriteContext, principal: Principal, id: string, body: CheckOutBody) {
  const at = actionTime(body.at, now);
  const a = await myAppointment(tx, principal, id);
  if (a.status === 'done') throw new ConflictError(`appointment ${id} is already checked out`, 'already-checked-out');
  refuseStale(a);
  if (a.status !== 'checked-in' || !a.checked_in_at) throw new ConflictError(`appointment ${id} is not checked in`, 'not-checked-in');
  if (at.getTime() < a.checked_in_at.getTime()) {
    throw new InvalidInputError('invalid body: at: is before the check-in', [
      { field: 'at', message: `is before the check-in (${a.checked_in_at.toISOString()})` },
    ]);
  }
  const decoded = decodeSignature(body.signaturePng);
  if ('problem' in decoded)
    throw new InvalidInputError(`invalid body: signaturePng: ${decoded.problem}`, [{ field: 'signaturePng', message: decoded.problem }]);
  const signature = { bytes: decoded.png.length, sha256: createHash('sha256').update(decoded.png).digest('hex') };
  const materials = body.materials.map((m) => ({ code: m.code, description: m.description ?? null, quantity: m.quantity, unit: m.unit }));
  await tx.query(
    `WITH visit AS (
       UPDATE field.visits SET checked_out_at = $2, work_summary = $3, materials = $4, photo_refs = $5, signature_png = $6,
                               signature_bytes = $7, signature_sha256 = $8, checked_out_by = $9, check_out_received_at = $10
        WHERE appointment_id = $1 RETURNING appointment_id)
     UPDATE field.appointments SET status = 'done' WHERE id = (SELECT appointment_id FROM visit)`,
    [
      id,
      at,
      body.workSummary,
      JSON.stringify(materials),
      JSON.stringify(body.photoRefs),
      body.signaturePng,
      signature.bytes,
      signature.sha256,
      principal.subject,
      now,
    ],
  );
  const visit = {
    appointmentId: id,
    serviceOrderId: a.service_order_id,
    providerId: a.provider_id,
    technicianId: a.technician_id,
    checkedInAt: a.checked_in_at.toISOString(),
    checkedOutAt: at.toISOString(),
    receivedAt: now.toISOString(),
    materials,
    photoRefs: body.photoRefs,
    signature,
  };
  await outbox.add(fieldVisitCheckedOut, visit, { subject: a.service_order_id });
  if (body.workComplete) {
    const { appointmentId, serviceOrderId, providerId, technicianId } = visit;
    await outbox.add(
      fieldWorkCompleted,
      { appointmentId, serviceOrderId, providerId, technicianId, completedAt: visit.checkedOutAt },
      { subject: serviceOrderId },
    );
    await tellCustomer(outbox, a, 'field.work-completed', {});
  }
  await requestWorkflowMessage(
    outbox,
    messages.dispatchOrderClosed,
    a.service_order_id,
    { closure: 'worked' },
    { messageId: `order-worked:${a.service_order_id}` },
  );
  return { ...visit, workComplete: body.workComplete, status: 'done' };
}
