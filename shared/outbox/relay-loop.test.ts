import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../test/support/logger';
import type { OutboxRelay } from './relay';
import { startRelayLoop, type RelayLoop } from './relay-loop';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A relay that plays a script: each drainOnce takes the next step (a count to return, an
 * error to throw, or a gate to wait on); once the script is over it returns 0. Records call times.
 */
type Step = number | Error | Promise<number>;
function scriptedRelay(steps: Step[], failingTopics: () => string[] = () => []): OutboxRelay & { calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    failingTopics: () => failingTopics().map((topic) => ({ topic, error: new Error(`${topic} down`) })),
    async drainOnce() {
      calls.push(Date.now());
      const step = steps.shift() ?? 0;
      if (step instanceof Error) throw step;
      return step;
    },
  };
}

function gate() {
  let open: (n: number) => void = () => undefined;
  const promise = new Promise<number>((resolve) => (open = resolve));
  return { promise, open };
}

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(5);
  }
}

function withLoop(relay: OutboxRelay, options: { idleMs?: number; backoffMs?: number; maxBackoffMs?: number } = {}) {
  const logger = memoryLogger();
  const loop: RelayLoop = startRelayLoop({ relay, logger, ...options });
  return { loop, logger };
}

describe('startRelayLoop', () => {
  it('when there is work, then it drains back to back until empty and counts what was published', async () => {
    const relay = scriptedRelay([3, 2, 0]);
    const { loop } = withLoop(relay, { idleMs: 60_000 });
    await waitFor(() => relay.calls.length === 3);
    await sleep(50);
    expect(relay.calls).toHaveLength(3); // idle now: no fourth drain before the idle pause ends
    expect(loop.stats()).toEqual({ published: 5, failures: 0, lastError: null });
    await loop.stop();
  });

  it('when idle, then poke() drains at once instead of waiting for the idle pause', async () => {
    const relay = scriptedRelay([0, 4]);
    const { loop } = withLoop(relay, { idleMs: 60_000 });
    await waitFor(() => relay.calls.length === 1);
    await sleep(20);
    loop.poke();
    await waitFor(() => relay.calls.length === 3, 500);
    expect(loop.stats().published).toBe(4);
    await loop.stop();
  });

  it('when poked while a drain is running, then the loop drains again right after it', async () => {
    const running = gate();
    const relay = scriptedRelay([0, running.promise]);
    const { loop } = withLoop(relay, { idleMs: 60_000 });
    await waitFor(() => relay.calls.length === 1);
    loop.poke();
    await waitFor(() => relay.calls.length === 2);
    loop.poke(); // new rows committed while the drain was reading: it may have missed them
    running.open(0);
    await waitFor(() => relay.calls.length === 3, 500);
    await loop.stop();
  });

  it('when stopped during an idle pause, then stop() resolves at once and nothing more is drained', async () => {
    const relay = scriptedRelay([]);
    const { loop } = withLoop(relay, { idleMs: 60_000 });
    await waitFor(() => relay.calls.length === 1);
    const started = Date.now();
    await loop.stop();
    expect(Date.now() - started).toBeLessThan(500);
    await sleep(30);
    expect(relay.calls).toHaveLength(1);
  });

  it('when stopped during a drain, then stop() waits for that drain only, not for a pause after it', async () => {
    const running = gate();
    const relay = scriptedRelay([running.promise]);
    const { loop } = withLoop(relay, { idleMs: 60_000 });
    await waitFor(() => relay.calls.length === 1);
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await sleep(20);
    expect(stopped).toBe(false);
    running.open(0);
    await waitFor(() => stopped, 500);
    await stopping;
    expect(relay.calls).toHaveLength(1);
  });

  it('when drains fail, then it backs off doubling up to the maximum, logs each failure, and resets after a success', async () => {
    const relay = scriptedRelay([new Error('e1'), new Error('e2'), new Error('e3'), 1, new Error('e4'), 0]);
    const { loop, logger } = withLoop(relay, { idleMs: 60_000, backoffMs: 30, maxBackoffMs: 60 });
    await waitFor(() => loop.stats().failures === 1);
    expect(loop.stats()).toMatchObject({ failures: 1, lastError: 'e1' });
    await waitFor(() => relay.calls.length === 6);
    await loop.stop();
    const warnings = logger.lines.filter((l) => l.level === 'warn');
    expect(warnings.map((l) => [l.error, l.retryInMs])).toEqual([
      ['e1', 30],
      ['e2', 60],
      ['e3', 60],
      ['e4', 30],
    ]);
    const gaps = relay.calls.slice(1).map((t, i) => t - (relay.calls[i] ?? t));
    [30, 60, 60, 0, 30].forEach((min, i) => expect(gaps[i]).toBeGreaterThanOrEqual(min - 5));
    expect(loop.stats()).toEqual({ published: 1, failures: 4, lastError: null });
  });

  it('when the same failure repeats (a broker down), then it is logged once when it starts and once when the relay recovers', async () => {
    const down = () => new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    const relay = scriptedRelay([down(), down(), down(), down(), 2, 0]);
    const { loop, logger } = withLoop(relay, { idleMs: 60_000, backoffMs: 5, maxBackoffMs: 10 });
    await waitFor(() => relay.calls.length === 6);
    await loop.stop();
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.error)).toEqual(['Connection error: connect ECONNREFUSED 127.0.0.1:9092']);
    expect(logger.lines.filter((l) => l.level === 'info')).toEqual([expect.objectContaining({ msg: 'outbox relay recovered', failures: 4 })]);
    expect(loop.stats()).toEqual({ published: 2, failures: 4, lastError: null });
  });

  it('when drains publish nothing because a failing topic is set aside, then the relay has not recovered until that topic flows', async () => {
    let failing = ['orders.service-order.created'];
    const relay = scriptedRelay([new Error('Connection error'), 0, 0, 0], () => failing);
    const { loop, logger } = withLoop(relay, { idleMs: 5, backoffMs: 5 });
    await waitFor(() => relay.calls.length >= 4);
    expect(loop.stats()).toMatchObject({ failures: 1, lastError: 'Connection error' });
    expect(logger.lines.filter((l) => l.msg === 'outbox relay recovered')).toEqual([]);
    failing = [];
    await waitFor(() => loop.stats().lastError === null);
    await loop.stop();
    expect(logger.lines.filter((l) => l.msg === 'outbox relay recovered')).toHaveLength(1);
  });

  it('when stats() is read, then it is a snapshot the caller cannot change', async () => {
    const { loop } = withLoop(scriptedRelay([2]), { idleMs: 60_000 });
    await waitFor(() => loop.stats().published === 2);
    const snapshot = loop.stats();
    snapshot.published = 99;
    expect(loop.stats().published).toBe(2);
    await loop.stop();
  });
});
