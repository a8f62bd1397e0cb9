import type { z } from 'zod';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { lockForm } from './queries';
import type { recordFindingsVariables } from './schema';

const keyOf = (item: { description: string; location: string }) => JSON.stringify([item.description, item.location]);

/**
 * wcf-record-findings: what an operator's investigation of a rejection found to redo becomes
 * reserves of the closing form (origin investigation), numbered after its last one. Items the
 * form already holds with the same description and location are skipped — as many times as
 * they are held, so a retried job inserts nothing and an item listed twice is kept twice.
 */
export async function recordFindings({ orderId, formId, reworkItems }: z.infer<typeof recordFindingsVariables>, { tx }: JobContext): Promise<JobOutcome> {
  await lockForm(tx, formId, orderId, 'closing');
  const { rows } = await tx.query<{ description: string; location: string; seq: number }>(
    'SELECT description, location, seq FROM wcf.reserves WHERE form_id = $1',
    [formId],
  );
  const held = new Map<string, number>();
  for (const row of rows) held.set(keyOf(row), (held.get(keyOf(row)) ?? 0) + 1);
  let seq = Math.max(0, ...rows.map((r) => r.seq));
  for (const item of reworkItems) {
    const key = keyOf(item);
    const left = held.get(key) ?? 0;
    if (left > 0) {
      held.set(key, left - 1);
      continue;
    }
    seq += 1;
    await tx.query(`INSERT INTO wcf.reserves (form_id, service_order_id, seq, origin, description, location) VALUES ($1, $2, $3, 'investigation', $4, $5)`, [
      formId,
      orderId,
      seq,
      item.description,
      item.location,
    ]);
  }
  return { kind: 'complete', variables: {} };
}
