import type { z } from 'zod';
import { informPartner } from '../../shared/domain/messages';
import { PermanentError } from '../../shared/errors';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { localDate } from '../../shared/domain/locale';
import { DAY_MS, orderOf } from './queries';
import type { extendReworkVariables } from './schema';

/**
 * wcf-extend-rework: the operator gave the provider more days on overdue reserves: the round's
 * deadline moves to max(deadline, now) + extensionDays and the provider is told. The job's
 * `reworkDeadline` is the deadline it was asked to extend: a round whose deadline is no longer
 * that one was extended by an earlier run of this job, which is answered again, unchanged.
 */
export function makeExtendRework(clock: () => Date) {
  return async ({ reworkId, extensionDays, reworkDeadline }: z.infer<typeof extendReworkVariables>, { tx, outbox }: JobContext): Promise<JobOutcome> => {
    const {
      rows: [round],
    } = await tx.query<{ service_order_id: string; provider_id: string; deadline: Date; status: string }>(
      'SELECT service_order_id, provider_id, deadline, status FROM wcf.reworks WHERE id = $1 FOR UPDATE',
      [reworkId],
    );
    if (!round) throw new PermanentError(`re-work round ${reworkId} not found`, 'unknown-rework');
    if (round.deadline.getTime() !== new Date(reworkDeadline).getTime()) {
      return { kind: 'complete', variables: { reworkDeadline: round.deadline.toISOString() } };
    }
    if (round.status !== 'open' && round.status !== 'lifted') {
      throw new PermanentError(`re-work round ${reworkId} is ${round.status}: its deadline cannot move`, 'rework-not-open');
    }
    const deadline = new Date(Math.max(round.deadline.getTime(), clock().getTime()) + extensionDays * DAY_MS);
    await tx.query('UPDATE wcf.reworks SET deadline = $2 WHERE id = $1', [reworkId, deadline]);
    const order = await orderOf(tx, round.service_order_id);
    await informPartner(outbox, {
      serviceOrderId: order.id,
      countryCode: order.country_code,
      providerId: round.provider_id,
      templateId: 'wcf.rework-deadline-extended',
      parameters: { orderReference: order.sales_order_id, extensionDays, deadline: localDate(deadline, order.timezone) },
    });
    return { kind: 'complete', variables: { reworkDeadline: deadline.toISOString() } };
  };
}
