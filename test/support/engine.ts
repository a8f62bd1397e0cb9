import { afterAll, beforeAll } from 'vitest';
import { jobWorkers, type TaskType } from '../../bpmn/contract';
import { loadModels } from '../../bpmn/models';
import type { EngineClock } from '../../mesh/engine/clock';
import { EmbeddedEngine } from '../../mesh/engine/engine';
import type { Db } from '../../shared/db';
import type { Logger } from '../../shared/logging';
import { eventually } from './eventually';
import { requestedMessages } from './tv';

export interface TestEngineOptions {
  logger: Logger;
  /** The engine's clock, which the test moves to fire timers. */
  clock: EngineClock;
  /** Where each worker function of the flow under test is served (name → URL); other jobs wait. */
  workers: Record<string, string>;
  dispatchTimeoutMs?: number;
}

/**
 * The embedded engine (every model of bpmn/) on the test's database, started before the file's
 * tests and stopped after them, with what workflow-messages does in production: `relay` publishes
 * the messages functions requested in their outbox (once each, by message id), of the given
 * correlation keys or of all. `until` relays, lets the engine run, and waits for `probe` to
 * answer; when it does not in time, the error names the engine's incidents.
 */
export function useTestEngine(db: Db, options: TestEngineOptions) {
  let engine: EmbeddedEngine;
  beforeAll(async () => {
    engine = await EmbeddedEngine.start({
      db,
      models: loadModels(),
      logger: options.logger,
      clock: options.clock,
      tickMs: 25,
      dispatchTimeoutMs: options.dispatchTimeoutMs ?? 10_000,
      workerUrl: (type) => options.workers[jobWorkers[type as TaskType]],
    });
  });
  afterAll(() => engine.stop());

  const relayed = new Set<string>();
  async function relay(...correlationKeys: string[]) {
    const keys =
      correlationKeys.length > 0
        ? correlationKeys
        : (
            await db.query<{ key: string }>(
              `SELECT DISTINCT data->>'correlationKey' AS key FROM platform.outbox WHERE type = 'ahs.platform.workflow-message.requested'`,
            )
          ).rows.map((r) => r.key);
    for (const key of keys) {
      for (const m of await requestedMessages(db, key)) {
        if (!m.messageId || relayed.has(m.messageId)) continue;
        relayed.add(m.messageId);
        await engine.publishMessage({
          name: m.name,
          correlationKey: m.correlationKey,
          variables: m.variables,
          messageId: m.messageId,
          timeToLiveMs: 3_600_000,
        });
      }
    }
  }

  const until = <T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000) =>
    eventually(
      async () => {
        await relay();
        await engine.idle();
        return probe();
      },
      timeoutMs,
      25,
    ).catch(async (error: unknown) => {
      const { rows } = await db.query<{ error_message: string }>(`SELECT error_message FROM engine.incidents`);
      throw new Error(`${(error as Error).message}; engine incidents: ${JSON.stringify(rows.map((r) => r.error_message))}`);
    });

  return {
    get engine() {
      return engine;
    },
    relay,
    until,
  };
}
