import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { PermanentError } from '../../shared/errors';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { orderLanguage } from './queries';
import type { openLiftingVariables } from './schema';

/**
 * wcf-open-lifting: every reserve of the re-work round is lifted: the lifting form of the round
 * (one per round, so a retried job opens the same), ready to be signed by the customer — it has
 * no answer of its own: the signature is the customer's confirmation.
 */
export async function openLiftingForm({ orderId, reworkId }: z.infer<typeof openLiftingVariables>, { tx, job }: JobContext): Promise<JobOutcome> {
  const {
    rows: [rework],
  } = await tx.query<{ status: string; lifting_form_id: string | null }>(
    `SELECT w.status, f.id AS lifting_form_id FROM wcf.reworks w LEFT JOIN wcf.forms f ON f.rework_id = w.id AND f.kind = 'lifting'
      WHERE w.id = $1 AND w.service_order_id = $2 FOR UPDATE OF w`,
    [reworkId, orderId],
  );
  if (!rework) throw new PermanentError(`re-work round ${reworkId} of service order ${orderId} not found`, 'unknown-rework');
  if (rework.lifting_form_id) return { kind: 'complete', variables: { formId: rework.lifting_form_id, formKind: 'lifting' } };
  if (rework.status !== 'lifted') throw new PermanentError(`re-work round ${reworkId} is ${rework.status}, not lifted`, 'rework-not-lifted');
  const formId = randomUUID();
  await tx.query(
    `INSERT INTO wcf.forms (id, service_order_id, kind, process_instance_key, rework_id, status, language) VALUES ($1, $2, 'lifting', $3, $4, 'answered', $5)`,
    [formId, orderId, job.processInstanceKey, reworkId, await orderLanguage(tx, orderId)],
  );
  return { kind: 'complete', variables: { formId, formKind: 'lifting' } };
}
