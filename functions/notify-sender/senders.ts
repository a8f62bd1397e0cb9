import type { Channel } from '../../shared/notify/consent';
import { reserveSlot } from '../../shared/notify/rate-limit';
import { reconcileUnanswered, type ReconcileDeps } from './reconcile';
import { claimNext, sendClaimed, type SendDeps } from './send';

export interface SendersOptions {
  /** Messages per second per provider account, shared by every instance (notify.rate_limits). */
  perSecond: Record<Channel, number>;
  /** Sends in flight per channel in this instance. */
  concurrency: number;
  leaseMs: number;
  idleMs: number;
  /** How often this instance looks for unanswered sends to reconcile. */
  reconcileEveryMs: number;
}

export interface Senders {
  /** Something is due now on the channel: stop idling. */
  wake(channel: Channel): void;
  stop(): Promise<void>;
  stats(): { sent: number; errors: number; inFlight: number };
}

/**
 * The senders of one instance: per channel, one dispatcher that reserves the account's next
 * slot (shared/notify/rate-limit.ts), then claims the most urgent due message and hands it to a
 * send in flight (at most `concurrency` at once). When nothing is due it idles until woken (a new
 * request in this instance) or `idleMs`. A reconcile sweep settles sends whose answer was lost.
 * `stop` lets the sends in flight finish (Knative's graceful shutdown).
 */
export function startSenders(deps: SendDeps & ReconcileDeps, options: SendersOptions): Senders {
  let stopped = false;
  const counters = { sent: 0, errors: 0, inFlight: 0 };
  const wakers = new Map<Channel, () => void>();
  const inFlight = new Set<Promise<void>>();

  const idle = (channel: Channel) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, options.idleMs);
      function done() {
        clearTimeout(timer);
        wakers.delete(channel);
        resolve();
      }
      wakers.set(channel, done);
    });

  const account = (channel: Channel) => (channel === 'sms' ? deps.sms.account : deps.email.account);

  async function dispatch(channel: Channel): Promise<void> {
    while (!stopped) {
      try {
        if (inFlight.size >= options.concurrency) {
          await Promise.race(inFlight);
          continue;
        }
        if (!(await hasDue(deps, channel, deps.clock()))) {
          await idle(channel);
          continue;
        }
        const wait = await reserveSlot(deps.db, account(channel), options.perSecond[channel]);
        if (wait > 0) await sleep(wait);
        const claimed = await claimNext(deps.db, channel, options.leaseMs, deps.clock());
        if (!claimed) continue;
        const send = sendClaimed(deps, claimed)
          .then(() => void counters.sent++)
          .catch((error: unknown) => {
            counters.errors++;
            // The message stays leased: the reconcile sweep finds it when the lease ends.
            deps.logger.error('message send failed; left to be reconciled', { requestId: claimed.request_id, error });
          })
          .finally(() => inFlight.delete(send));
        inFlight.add(send);
      } catch (error) {
        counters.errors++;
        deps.logger.warn('sender paused after a database error', { channel, error });
        await sleep(Math.min(5_000, options.idleMs * 2));
      }
    }
  }

  let sweeping: Promise<void> | undefined;
  const sweeper = setInterval(() => {
    sweeping ??= reconcileUnanswered(deps)
      .then(() => undefined)
      .catch((error: unknown) => deps.logger.warn('reconcile sweep failed; will try again', { error }))
      .finally(() => (sweeping = undefined));
  }, options.reconcileEveryMs);
  sweeper.unref();

  const loops = [dispatch('sms'), dispatch('email')];
  return {
    wake: (channel) => wakers.get(channel)?.(),
    stats: () => ({ ...counters, inFlight: inFlight.size }),
    async stop() {
      stopped = true;
      clearInterval(sweeper);
      for (const wake of [...wakers.values()]) wake();
      await Promise.allSettled([...loops, ...inFlight, sweeping]);
    },
  };
}

async function hasDue(deps: { db: SendDeps['db'] }, channel: Channel, now: Date): Promise<boolean> {
  const { rows } = await deps.db.query(`SELECT 1 FROM notify.messages WHERE status = 'queued' AND channel = $1 AND not_before <= $2 LIMIT 1`, [channel, now]);
  return rows.length > 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
