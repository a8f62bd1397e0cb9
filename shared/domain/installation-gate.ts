import type { Queryable } from '../db';
import { ConflictError, NotFoundError } from '../errors';

/**
 * The installation block a technical visit holds on a service order
 * (orders.service_orders.installation_status):
 *   awaiting-tv  a required TV is not resolved yet: nothing may be booked;
 *   ready        nothing blocks the installation;
 *   cancelled    the TV cancelled the installation (negative, adjustments refused / unanswered).
 */
export type InstallationStatus = 'awaiting-tv' | 'ready' | 'cancelled';

/** Why an installation cannot be scheduled: the ConflictError reason (HTTP 409 `reason`). */
export type InstallationBlockReason = 'installation-awaiting-tv' | 'installation-cancelled';

/** SQLSTATE raised by the trigger orders.refuse_blocked_installation(); its DETAIL is the reason. */
export const INSTALLATION_BLOCKED_SQLSTATE = 'AH001';

const BLOCKS: Record<Exclude<InstallationStatus, 'ready'>, { reason: InstallationBlockReason; says: string }> = {
  'awaiting-tv': { reason: 'installation-awaiting-tv', says: 'awaits its technical visit' },
  cancelled: { reason: 'installation-cancelled', says: 'was cancelled after its technical visit' },
};

/**
 * Call inside the transaction that books an installation (appointment, dispatch offer): locks
 * the order row FOR SHARE until that transaction ends — so the TV cannot cancel the
 * installation between this check and the booking's commit — and throws when the installation
 * is blocked: ConflictError `installation-awaiting-tv` / `installation-cancelled`, NotFoundError
 * when there is no such order. Tables of installation appointments also attach the trigger
 * orders.refuse_blocked_installation(), so a writer that forgets this call is refused as well.
 */
export async function assertInstallationSchedulable(tx: Queryable, serviceOrderId: string): Promise<void> {
  const { rows } = await tx.query<{ installation_status: InstallationStatus }>(
    'SELECT installation_status FROM orders.service_orders WHERE id = $1 FOR SHARE',
    [serviceOrderId],
  );
  const row = rows[0];
  if (!row) throw new NotFoundError(`service order ${serviceOrderId} not found`);
  if (row.installation_status === 'ready') return;
  const block = BLOCKS[row.installation_status];
  throw new ConflictError(`the installation of service order ${serviceOrderId} ${block.says}`, block.reason);
}

/**
 * The ConflictError for a database error raised by orders.refuse_blocked_installation(), or
 * undefined for any other error (classified by SQLSTATE and DETAIL, never by message text).
 */
export function installationBlockedError(error: unknown): ConflictError | undefined {
  const e = error as { code?: unknown; detail?: unknown; message?: unknown };
  if (e?.code !== INSTALLATION_BLOCKED_SQLSTATE) return undefined;
  const reason: InstallationBlockReason = e.detail === 'installation-cancelled' ? 'installation-cancelled' : 'installation-awaiting-tv';
  return new ConflictError(typeof e.message === 'string' ? e.message : 'the installation is blocked', reason);
}
