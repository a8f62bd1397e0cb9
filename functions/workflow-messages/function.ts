import type { Request, Response } from '@google-cloud/functions-framework';
import { messages, type MessageDeclaration } from '../../bpmn/contract';
import { workflowMessageRequested } from '../../events';
import { fromHttp } from '../../shared/cloudevents/http';
import { InvalidInputError, issuesFromZod, PermanentError } from '../../shared/errors';
import { resolveSubscription, on, toEventAnswer } from '../../shared/event-function';
import type { Logger } from '../../shared/logging';
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
    if (req.method === 'GET' && req.path === '/healthz') {
      res.status(200).json({ status: 'ok' });
      return;
    }
    let logger = deps.logger;
    try {
      if (req.method !== 'POST') throw new InvalidInputError(`events are POSTed, not ${req.method}`);
      const event = fromHttp(req.headers, req.rawBody);
      logger = logger.child({ eventId: event.id, eventType: event.type });
      if (!resolveSubscription(subscriptions, event)) throw new InvalidInputError(`unsupported event type "${event.type}" for ${NAME}`);
      const parsed = workflowMessageRequested.data.safeParse(event.data);
      if (!parsed.success) {
        const issues = issuesFromZod(parsed.error, 'data');
        throw new InvalidInputError(`invalid ${workflowMessageRequested.type}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`, issues);
      }
      const message = parsed.data;
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
