import type { Request, Response } from '@google-cloud/functions-framework';
import { messages, type MessageDeclaration } from '../../bpmn/contract';
import { workflowMessageRequested, type EventData } from '../../events';
import { PermanentError } from '../../shared/errors';
import { on, readDelivery, toEventAnswer } from '../../shared/event-function';
import type { Logger } from '../../shared/logging';
import { answeredHealthCheck } from '../../shared/runtime/health';
import { traceCarrierOf, withParentTrace } from '../../shared/observability/tracing';
import type { Workflows } from '../../shared/workflow/workflows';

export const NAME = 'workflow-messages';

const declared = new Map<string, MessageDeclaration>(Object.values(messages).map((m) => [m.name, m]));
const subscriptions = [on(workflowMessageRequested, () => Promise.resolve({ result: 'applied' as const }))];

/**
 * workflow-messages: platform.workflow-message.requested → Camunda's publishMessage. Functions
 * request workflow messages through their outbox, so the engine hears of a change only after it
 * committed; this function delivers them. It keeps no state and opens no transaction: the
 * publication is idempotent by the message id (a redelivery is accepted by Camunda as already
 * there). A message the contract does not declare is permanent (400, dead letter); Camunda
 * unreachable is retried (503).
 */
export function workflowMessagesFunction(deps: { workflows: Workflows; logger: Logger }) {
  return async (req: Request, res: Response): Promise<void> => {
    if (answeredHealthCheck(req, res)) return;
    let logger = deps.logger;
    try {
      const { event, data } = readDelivery(req, subscriptions, NAME, (fields) => (logger = logger.child(fields)));
      const message = data as EventData<typeof workflowMessageRequested>;
      const declaration = declared.get(message.name);
      if (!declaration) throw new PermanentError(`message "${message.name}" is not declared in bpmn/contract.ts`, 'undeclared-message');
      await withParentTrace(traceCarrierOf(event), `${NAME}.publish`, () =>
        deps.workflows.publishMessage(declaration, message.correlationKey, message.variables, { messageId: message.messageId }),
      );
      logger.info('workflow message published', { message: message.name, messageId: message.messageId });
      res.status(200).json({ result: 'applied' });
    } catch (error) {
      const answer = toEventAnswer(error);
      if (answer.status >= 500) logger.error('workflow message not published; will be retried', { error });
      else logger.warn('workflow message refused', { status: answer.status, reason: answer.body.reason });
      res.status(answer.status).json(answer.body);
    }
  };
}
