import type { Channel } from '../../shared/notify/consent';
import { reserveSlots } from '../../shared/notify/rate-limit';
import { refreshPrices } from './prices';
import { reconcileUnanswered, type ReconcileDeps } from './reconcile';
import { claimDue, sendClaimed, type ClaimedMessage, type SendDeps } from './send';

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
 * The senders of one instance: per channel, one dispatcher that claims the most urgent due
 * messages (a tenth of a second's worth at the configured rate), reserves as many of the
 * account's next slots (shared/notify/rate-limit.ts) and starts each send at its slot (at most
 * `concurrency` in flight); it claims again when the batch's first slot comes. When nothing is due
 * it idles until woken (a new request in this instance) or `idleMs`. A sweep settles sends whose
 * answer was lost (./reconcile.ts) and reads the provider's price of recent SMS (./prices.ts).
 * `stop` lets the sends in flight finish (Knative's graceful shutdown).
 */
export function startSenders(deps: SendDeps & ReconcileDeps, options: SendersOptions): Senders {
  let stopped = false;
  const counters = { sent: 0, errors: 0, inFlight: 0 };
  const wakers = new Map<Channel, () => void>();
  const inFlight: Record<Channel, Set<Promise<void>>> = { sms: new Set(), email: new Set() };

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

  // A tenth of a second of sends per claim: enough to keep the pace at any rate, little enough
  // that a transactional message arriving meanwhile waits behind little bulk.
  const batchOf = (channel: Channel) => Math.max(1, Math.ceil(options.perSecond[channel] / 10));

  async function dispatch(channel: Channel): Promise<void> {
    while (!stopped) {
      try {
        const free = options.concurrency - inFlight[channel].size;
        if (free <= 0) {
          await Promise.race(inFlight[channel]);
          continue;
        }
        const claimed = await claimDue(deps.db, channel, Math.min(free, batchOf(channel)), options.leaseMs, deps.clock());
        if (claimed.length === 0) {
          await idle(channel);
          continue;
        }
        const waits = await reserveSlots(deps.db, account(channel), options.perSecond[channel], claimed.length);
        claimed.forEach((message, i) => launch(channel, message, waits[i] ?? 0));
        // The next batch is claimed when this one's first slot comes: its slots follow on without a
        // gap (a claim takes a few ms, more under load), and what is claimed is the most urgent
        // then — a message arriving now waits behind two batches (two tenths of a second) at most.
        await sleep(waits[0] ?? 0);
      } catch (error) {
        counters.errors++;
        deps.logger.warn('sender paused after a database error', { channel, error });
        await sleep(Math.min(5_000, options.idleMs * 2));
      }
    }
  }

  function launch(channel: Channel, message: ClaimedMessage, waitMs: number): void {
    const slotAt = Date.now() + waitMs;
    const send = sendClaimed(deps, message, () => sleep(slotAt - Date.now()))
      .then(() => void counters.sent++)
      .catch((error: unknown) => {
        counters.errors++;
        // The message stays leased: the reconcile sweep finds it when the lease ends.
        deps.logger.error('message send failed; left to be reconciled', { requestId: message.request_id, error });
      })
      .finally(() => inFlight[channel].delete(send));
    inFlight[channel].add(send);
  }

  let sweeping: Promise<void> | undefined;
  const sweeper = setInterval(() => {
    sweeping ??= reconcileUnanswered(deps)
      .then(() => refreshPrices(deps))
      .then(() => undefined)
      .catch((error: unknown) => deps.logger.warn('reconcile sweep failed; will try again', { error }))
      .finally(() => (sweeping = undefined));
  }, options.reconcileEveryMs);
  sweeper.unref();

  const loops = [dispatch('sms'), dispatch('email')];
  return {
    wake: (channel) => wakers.get(channel)?.(),
    stats: () => ({ ...counters, inFlight: inFlight.sms.size + inFlight.email.size }),
    async stop() {
      stopped = true;
      clearInterval(sweeper);
      for (const wake of [...wakers.values()]) wake();
      await Promise.allSettled([...loops, ...inFlight.sms, ...inFlight.email, sweeping]);
    },
  };
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
