import { z } from 'zod';
import { defineEvent } from '../define';

/**
 * A message for the workflow engine, requested by a function in the same transaction as the
 * change that causes it (outbox): the engine hears of the change only once it is committed, and
 * never loses it. functions/workflow-messages publishes it to Camunda (idempotent by messageId).
 * The message name must be one of bpmn/contract.ts; its time to live comes from there.
 */
export const workflowMessageRequested = defineEvent({
  topic: 'platform.workflow-message.requested',
  type: 'ahs.platform.workflow-message.requested',
  description: 'A function asks for a message to be published to the workflow engine, after its own change committed.',
  data: z.object({
    /** The message name in the model (`bpmn:message name`), e.g. `tv-outcome-recorded`. */
    name: z.string().min(1),
    /** The value the model's subscription correlates on, e.g. the service order id. */
    correlationKey: z.string().min(1),
    /** Makes the publication idempotent: Camunda refuses a second message with this id while the first is buffered. */
    messageId: z.string().min(1),
    variables: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  }),
  partitionKey: (d) => d.correlationKey,
});
