import type { Logger } from '../logging';
import type { OutboxRelay } from './relay';

export interface RelayLoopOptions {
  relay: OutboxRelay;
  logger: Logger;
  /** Pause when the outbox is empty. */
  idleMs?: number;
  /** First pause after a failure; doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

export interface RelayLoop {
  stop(): Promise<void>;
  /** Wakes the loop now (e.g. after a NOTIFY) instead of waiting for the idle pause. */
  poke(): void;
  stats(): { published: number; failures: number; lastError: string | null };
}

/**
 * Runs the relay until stopped: drains while there is work, pauses when idle, backs off on
 * failure. A run of failures (a broker down) is logged when it starts, when its error changes
 * and when it ends, not at every retry; it ends when no topic is failing any more (a drain that
 * skips a topic set aside after a failure has not recovered from it).
 */
export function startRelayLoop(options: RelayLoopOptions): RelayLoop {
  const idleMs = options.idleMs ?? 200;
  const backoffMs = options.backoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  let running = true;
  let wake: (() => void) | undefined;
  // Set by poke() while a drain runs: that drain may have read before the new rows committed.
  let poked = false;
  const stats = { published: 0, failures: 0, lastError: null as string | null };

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (!running) {
        resolve(); // stop() was called during the drain: do not sleep before exiting
        return;
      }
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const done = (async () => {
    let delay = backoffMs;
    let streak: { since: number; failures: number } | undefined;
    while (running) {
      poked = false;
      try {
        const sent = await options.relay.drainOnce();
        stats.published += sent;
        delay = backoffMs;
        if (options.relay.failingTopics().length === 0) {
          if (streak) options.logger.info('outbox relay recovered', { failures: streak.failures, failingForMs: Date.now() - streak.since });
          streak = undefined;
          stats.lastError = null;
        }
        if (sent === 0 && !poked) await pause(idleMs);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        stats.failures += 1;
        if (!streak || message !== stats.lastError) options.logger.warn('outbox relay failed; will retry with backoff', { error: message, retryInMs: delay });
        stats.lastError = message;
        streak = { since: streak?.since ?? Date.now(), failures: (streak?.failures ?? 0) + 1 };
        await pause(delay);
        delay = Math.min(delay * 2, maxBackoffMs);
      }
    }
  })();

  return {
    async stop() {
      running = false;
      wake?.();
      await done;
    },
    poke: () => {
      poked = true;
      wake?.();
    },
    stats: () => ({ ...stats }),
  };
}
