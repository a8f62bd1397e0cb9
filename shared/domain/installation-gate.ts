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

/**
 * The block the customer's contract holds beside it (orders.service_orders.contract_status):
 *   awaiting-signature  the contract is not signed yet (bpmn/contract.bpmn): nothing may be booked;
 *   signed              signed, by e-signature or on paper;
 *   cancelled           the contract was given up (declined and cancelled by an operator);
 *   not-required        orders older than contracts.
 */
export type ContractStatus = 'not-required' | 'awaiting-signature' | 'signed' | 'cancelled';

/** Why an installation cannot be scheduled: the ConflictError reason (HTTP 409 `reason`). */
export type InstallationBlockReason =
  'installation-awaiting-tv' | 'installation-cancelled' | 'installation-awaiting-contract' | 'installation-contract-cancelled';

/** SQLSTATE raised by the trigger orders.refuse_blocked_installation(); its DETAIL is the reason. */
export const INSTALLATION_BLOCKED_SQLSTATE = 'AH001';

const BLOCKS: Record<Exclude<InstallationStatus, 'ready'>, { reason: InstallationBlockReason; says: string }> = {
  'awaiting-tv': { reason: 'installation-awaiting-tv', says: 'awaits its technical visit' },
  cancelled: { reason: 'installation-cancelled', says: 'was cancelled after its technical visit' },
};

const CONTRACT_BLOCKS: Record<'awaiting-signature' | 'cancelled', { reason: InstallationBlockReason; says: string }> = {
  'awaiting-signature': { reason: 'installation-awaiting-contract', says: 'awaits its signed contract' },
  cancelled: { reason: 'installation-contract-cancelled', says: 'has no contract any more (given up)' },
};

const REASONS: ReadonlySet<string> = new Set<InstallationBlockReason>([
  'installation-awaiting-tv',
  'installation-cancelled',
  'installation-awaiting-contract',
  'installation-contract-cancelled',
]);

/**
 * Call inside the transaction that books an installation (appointment, dispatch offer): locks
 * the order row FOR SHARE until that transaction ends — so the TV cannot cancel the
 * installation between this check and the booking's commit — and throws when the installation
 * is blocked by its TV or its contract: ConflictError with an InstallationBlockReason, NotFoundError
 * when there is no such order. Tables of installation appointments also attach the trigger
 * orders.refuse_blocked_installation(), so a writer that forgets this call is refused as well.
 */
export async function assertInstallationSchedulable(tx: Queryable, serviceOrderId: string): Promise<void> {
  const { rows } = await tx.query<{ installation_status: InstallationStatus; contract_status: ContractStatus }>(
    'SELECT installation_status, contract_status FROM orders.service_orders WHERE id = $1 FOR SHARE',
    [serviceOrderId],
  );
  const row = rows[0];
  if (!row) throw new NotFoundError(`service order ${serviceOrderId} not found`);
  const block =
    row.installation_status !== 'ready'
      ? BLOCKS[row.installation_status]
      : row.contract_status === 'awaiting-signature' || row.contract_status === 'cancelled'
        ? CONTRACT_BLOCKS[row.contract_status]
        : undefined;
  if (block) throw new ConflictError(`the installation of service order ${serviceOrderId} ${block.says}`, block.reason);
}

/**
 * The ConflictError for a database error raised by orders.refuse_blocked_installation(), or
 * undefined for any other error (classified by SQLSTATE and DETAIL, never by message text).
 */
export function installationBlockedError(error: unknown): ConflictError | undefined {
  const e = error as { code?: unknown; detail?: unknown; message?: unknown };
  if (e?.code !== INSTALLATION_BLOCKED_SQLSTATE) return undefined;
  const reason = (typeof e.detail === 'string' && REASONS.has(e.detail) ? e.detail : 'installation-awaiting-tv') as InstallationBlockReason;
  return new ConflictError(typeof e.message === 'string' ? e.message : 'the installation is blocked', reason);
}
