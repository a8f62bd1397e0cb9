import type { MessageDeclaration } from '../../bpmn/contract';
import { workflowMessageRequested } from '../../events/platform/workflow-message';
import type { Outbox } from '../outbox/outbox';

/**
 * Asks for a workflow message in the caller's transaction (outbox): it reaches the engine
 * through functions/workflow-messages only after the change commits. Never call the engine
 * from inside a transaction: the workflow would run ahead of a change that may still roll back.
 */
export function requestWorkflowMessage(
  outbox: Outbox,
  message: MessageDeclaration,
  correlationKey: string,
  variables: Record<string, string | number | boolean | null>,
  options: { messageId: string },
) {
  return outbox.add(workflowMessageRequested, { name: message.name, correlationKey, messageId: options.messageId, variables });
}
