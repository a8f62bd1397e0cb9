import { messages } from '../../bpmn/contract';
import type { ServiceOrderSnapshot } from '../../events';
import type { EventOutcome } from '../../shared/event-function';
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

/** Whether a new order starts a technical visit: only one that needs it and is not cancelled. */
export function decide(order: ServiceOrderSnapshot): EventOutcome {
  if (!order.technicalVisitRequired) return { result: 'ignored', reason: 'no technical visit required' };
  if (order.status === 'CANCELLED') return { result: 'ignored', reason: 'service order cancelled' };
  return { result: 'applied', detail: { serviceOrderId: order.serviceOrderId } };
}

/**
 * Starts the TV workflow of an order: the message `tv-requested`, correlated by the order id,
 * with the process variables of the model. Idempotent by its messageId while Zeebe buffers it.
 */
export function makePublishTvRequested(deps: TvStartDeps) {
  return (order: ServiceOrderSnapshot) =>
    deps.workflows.publishMessage(
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
}
