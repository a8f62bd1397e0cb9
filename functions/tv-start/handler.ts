import { messages } from '../../bpmn/contract';
import type { ServiceOrderSnapshot } from '../../events';
import type { EventContext, EventOutcome } from '../../shared/event-function';
import { requestWorkflowMessage } from '../../shared/workflow/request-message';

export interface TvStartSettings {
  /** ISO 8601 duration after which an unresolved visit is escalated to an operator (TV_SLA_DURATION). */
  slaDuration: string;
  /** ISO 8601 duration the customer has to answer a YES_BUT visit's adjustments (TV_ANSWER_DEADLINE). */
  answerDeadline: string;
}

/** Whether a new order starts a technical visit: only one that needs it and is not cancelled. */
export function decide(order: ServiceOrderSnapshot): EventOutcome {
  if (!order.technicalVisitRequired) return { result: 'ignored', reason: 'no technical visit required' };
  if (order.status === 'CANCELLED') return { result: 'ignored', reason: 'service order cancelled' };
  return { result: 'applied', detail: { serviceOrderId: order.serviceOrderId } };
}

/**
 * Starts the TV workflow of an order that needs one: the message `tv-requested`, correlated by
 * the order id, with the process variables of the model — requested in the inbox transaction
 * (outbox), published to the engine by workflow-messages. The model's message start event and
 * the message id keep it to one TV instance per order.
 */
export function makeStartTv(settings: TvStartSettings) {
  return async (order: ServiceOrderSnapshot, { outbox }: EventContext): Promise<EventOutcome> => {
    const decision = decide(order);
    if (decision.result !== 'applied') return decision;
    await requestWorkflowMessage(
      outbox,
      messages.tvRequested,
      order.serviceOrderId,
      {
        orderId: order.serviceOrderId,
        country: order.countryCode,
        businessUnit: order.businessUnitCode,
        store: order.storeCode,
        slaDuration: settings.slaDuration,
        answerDeadline: settings.answerDeadline,
      },
      { messageId: `tv-requested:${order.serviceOrderId}` },
    );
    return decision;
  };
}
