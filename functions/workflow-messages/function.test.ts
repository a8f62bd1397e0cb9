import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MessageDeclaration } from '../../bpmn/contract';
import { workflowMessageRequested } from '../../events';
import { RetryableError } from '../../shared/errors';
import type { Workflows } from '../../shared/workflow/workflows';
import { cloudEvent, postEvent, startFunction } from '../../test/support/function-server';
import { memoryLogger } from '../../test/support/logger';
import { workflowMessagesFunction } from './function';

const published: { name: string; timeToLive: string; correlationKey: string; variables: Record<string, unknown>; messageId: string | undefined }[] = [];
let failures = 0;
const workflows = {
  publishMessage(message: MessageDeclaration, correlationKey: string, variables: Record<string, unknown>, options: { messageId?: string } = {}) {
    if (failures > 0) {
      failures -= 1;
      return Promise.reject(new RetryableError('publish message: Camunda unavailable (503)'));
    }
    published.push({ name: message.name, timeToLive: message.timeToLive, correlationKey, variables, messageId: options.messageId });
    return Promise.resolve();
  },
} as unknown as Workflows;
const logger = memoryLogger();
const url = await startFunction('workflow-messages', workflowMessagesFunction({ workflows, logger }));

const deliver = (data: unknown, id = randomUUID()) =>
  postEvent(url, cloudEvent({ type: workflowMessageRequested.type, source: '/functions/tv-visits', id, data }));
const request = (over: Record<string, unknown> = {}) => ({
  name: 'tv-outcome-recorded',
  correlationKey: randomUUID(),
  messageId: `tv-outcome:${randomUUID()}`,
  variables: { outcome: 'YES', visitId: randomUUID() },
  ...over,
});

describe('workflow-messages', () => {
  it('when a declared message is requested, then it is published with the contract time to live and the message id', async () => {
    const data = request();
    expect(await deliver(data)).toMatchObject({ status: 200, body: { result: 'applied' } });
    expect(published.filter((p) => p.correlationKey === data.correlationKey)).toEqual([
      { name: 'tv-outcome-recorded', timeToLive: 'P1D', correlationKey: data.correlationKey, variables: data.variables, messageId: data.messageId },
    ]);
  });

  it('when the message is not in bpmn/contract.ts, then 400 (dead letter) and nothing is published', async () => {
    const data = request({ name: 'tv-invented' });
    expect(await deliver(data)).toMatchObject({ status: 400, body: { code: 'undeclared-message' } });
    expect(published.some((p) => p.correlationKey === data.correlationKey)).toBe(false);
  });

  it('when a field is missing, then 400 naming it', async () => {
    const { messageId: _omitted, ...data } = request();
    const answer = await deliver(data);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('data.messageId');
  });

  it('when Camunda is unavailable, then 503 (the KafkaSource retries) and the retry publishes it', async () => {
    const data = request();
    const id = randomUUID();
    failures = 1;
    expect((await deliver(data, id)).status).toBe(503);
    expect((await deliver(data, id)).status).toBe(200);
    expect(published.filter((p) => p.correlationKey === data.correlationKey)).toHaveLength(1);
  });

  it('when it logs, then no variable value appears', async () => {
    await deliver(request({ variables: { outcome: 'YES', visitId: 'secret-visit-42' } }));
    expect(JSON.stringify(logger.lines)).not.toContain('secret-visit-42');
  });
});
