import type { Principal } from '../../shared/auth/principal';
import type { Queryable } from '../../shared/db';
import { ConflictError } from '../../shared/errors';
import type { SigningUrls } from './config';
import { assignedOrder } from './queries';
import type { Signer } from './schema';

/**
 * In-person signing: the assigned technician hands the device to the customer (or signs
 * themselves) on Adobe's signing page of the order's latest form (closing or lifting), while it
 * is out for signature. 409 `not-out-for-signature` when it is not; 409 `not-their-turn` when
 * Adobe has no page for that signer now (a later step's, or one who signed). Read-only: Adobe is
 * asked outside any transaction.
 */
export async function signingUrl(deps: { db: Queryable; esign: SigningUrls }, principal: Principal, orderId: string, signer: Signer) {
  const order = await assignedOrder(deps.db, principal, orderId, { technicianOnly: true });
  const {
    rows: [form],
  } = await deps.db.query<{ id: string; kind: string; status: string; agreement_id: string | null }>(
    `SELECT id, kind, status, agreement_id FROM wcf.forms WHERE service_order_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1`,
    [orderId],
  );
  if (!form || form.status !== 'out-for-signature' || !form.agreement_id) {
    throw new ConflictError(`no form of service order ${orderId} is out for signature`, 'not-out-for-signature');
  }
  const email = signer === 'customer' ? order.customer_email : order.technician_email;
  if (!email) throw new ConflictError(`the ${signer} of service order ${orderId} has no email address to sign with`, 'signer-email-missing');
  const url = await deps.esign.signingUrl(form.agreement_id, email);
  if (!url) throw new ConflictError(`it is not the ${signer}'s turn to sign form ${form.id}`, 'not-their-turn');
  return { formId: form.id, kind: form.kind, signer, signingUrl: url };
}
