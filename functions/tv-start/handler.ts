import { messages } from '../../bpmn/contract';
import type { ServiceOrderSnapshot } from '../../events';
import type { EventContext, EventOutcome } from '../../shared/event-function';
import type { Workflows } from '../../shared/workflow';

export interface TvStartSettings {
  /** ISO 8601 duration after which an unresolved visit is escalated to an operator (TV_SLA_DURATION). */
  slaDuration: string;
  /** ISO 8601 duration the customer has to answer a YES_BUT visit's adjustments (TV_ANSWER_DEADLINE). */
  answerDeadline: string;
}

export interface TvStartDeps {
  workflows: Workflows;
  settings: TvStartSettings;
}

/**
 * A new service order that needs a technical visit starts the TV workflow: the message
 * `tv-requested`, correlated by the order id. The publish happens before the inbox row commits;
 * it is idempotent by its messageId, so the redelivery that follows a failed commit is harmless.
 */
export function makeStartTechnicalVisit(deps: TvStartDeps) {
  return async (order: ServiceOrderSnapshot, ctx: EventContext): Promise<EventOutcome> => {
    if (!order.technicalVisitRequired) return { result: 'ignored', reason: 'no technical visit required' };
    if (order.status === 'CANCELLED') return { result: 'ignored', reason: 'service order cancelled' };
    await deps.workflows.publishMessage(
      messages.tvRequested,
      order.serviceOrderId,
      {
        orderId: order.serviceOrderId,
        country: order.countryCode,
        businessUnit: order.businessUnitCode,
        store: order.storeCode,
        slaDuration: deps.settings.slaDuration,
        answerDeadline: deps.settings.answerDeadline,
      },
      { messageId: `tv-requested:${order.serviceOrderId}` },
    );
    ctx.logger.info('technical visit requested', { serviceOrderId: order.serviceOrderId });
    return { result: 'applied', detail: { serviceOrderId: order.serviceOrderId } };
  };
}
