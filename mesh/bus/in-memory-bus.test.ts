import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import type { KafkaRecord } from '../../shared/cloudevents/kafka';
import type { DeliveredRecord } from './bus';
import { makeInMemoryBus } from './in-memory-bus';

const record = (key: string | null, value: string): KafkaRecord => ({ key, value: Buffer.from(value), headers: { 'content-type': 'text/plain' } });
const valueOf = (r: DeliveredRecord) => r.value.toString();
const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Keys 'a' and 'b' sit on different partitions of a 3-partition topic (31-hash: 97 % 3, 98 % 3). */
const KEY_A = 'a';
const KEY_B = 'b';

describe('in-memory bus', () => {
  it("when one key's records are handled slowly and unevenly, then the subscriber still gets them in publish order, one at a time", async () => {
    const bus = makeInMemoryBus();
    const delays: Record<string, number> = { r1: 40, r2: 0, r3: 15, r4: 0, r5: 25 };
    const trace: string[] = [];
    await bus.subscribe({
      group: 'g',
      topics: ['t'],
      handle: async (r) => {
        trace.push(`start ${valueOf(r)}`);
        await pause(delays[valueOf(r)] ?? 0);
        trace.push(`end ${valueOf(r)}`);
      },
    });
    for (const value of Object.keys(delays)) await bus.publish('t', record('order-1', value));
    await bus.close();
    expect(trace).toEqual(Object.keys(delays).flatMap((v) => [`start ${v}`, `end ${v}`]));
  });

  it("when one key is blocked in its handler, then a key on another partition is handled meanwhile, and the blocked key's next record waits", async () => {
    const bus = makeInMemoryBus({ partitions: 3 });
    const gate = deferred();
    const seen: DeliveredRecord[] = [];
    const done: string[] = [];
    await bus.subscribe({
      group: 'g',
      topics: ['t'],
      handle: async (r) => {
        seen.push(r);
        if (valueOf(r) === 'a1') await gate.promise;
        done.push(valueOf(r));
      },
    });
    await bus.publish('t', record(KEY_A, 'a1'));
    await bus.publish('t', record(KEY_A, 'a2'));
    await bus.publish('t', record(KEY_B, 'b1'));
    await bus.publish('t', record(KEY_B, 'b2'));

    await vi.waitFor(() => expect(done).toEqual(['b1', 'b2']));
    const partitionOf = (v: string) => seen.find((r) => valueOf(r) === v)?.partition;
    expect(partitionOf('a1')).not.toBe(partitionOf('b1'));
    expect(seen.map(valueOf)).not.toContain('a2');

    gate.resolve();
    await bus.close();
    expect(done).toEqual(['b1', 'b2', 'a1', 'a2']);
  });

  it('when two consumer groups subscribe to a topic, then each group gets every record', async () => {
    const bus = makeInMemoryBus();
    const got: Record<string, string[]> = { billing: [], planning: [] };
    for (const group of Object.keys(got)) {
      await bus.subscribe({ group, topics: ['t'], handle: async (r) => void got[group]?.push(valueOf(r)) });
    }
    for (const [key, value] of [
      ['k1', 'x'],
      ['k2', 'y'],
      [null, 'z'],
    ] as const)
      await bus.publish('t', record(key, value));
    await bus.close();
    expect(got.billing?.sort()).toEqual(['x', 'y', 'z']);
    expect(got.planning?.sort()).toEqual(['x', 'y', 'z']);
  });

  it('when records are published on several topics, then a subscriber only gets the records of its own topics', async () => {
    const bus = makeInMemoryBus();
    const got: string[] = [];
    await bus.subscribe({ group: 'g', topics: ['orders.created', 'orders.updated'], handle: async (r) => void got.push(`${r.topic}:${valueOf(r)}`) });
    await bus.publish('orders.created', record('o1', '1'));
    await bus.publish('claims.opened', record('o1', '2'));
    await bus.publish('orders.updated', record('o1', '3'));
    await bus.close();
    expect(got).toEqual(['orders.created:1', 'orders.updated:3']);
  });

  it('when records are published, then offsets count up from 0 per topic partition and one key always lands on one partition', async () => {
    const bus = makeInMemoryBus({ partitions: 3 });
    const got: DeliveredRecord[] = [];
    await bus.subscribe({ group: 'g', topics: ['t1', 't2'], handle: async (r) => void got.push(r) });
    const keys = ['a', 'b', 'c', 'a', 'd', 'b', null, null, null, 'a'];
    for (const [i, key] of keys.entries()) await bus.publish(i % 2 ? 't2' : 't1', record(key, String(i)));
    await bus.close();

    expect(got).toHaveLength(keys.length);
    const byLane = new Map<string, string[]>();
    for (const r of [...got].sort((x, y) => Number(valueOf(x)) - Number(valueOf(y)))) {
      const lane = `${r.topic}/${r.partition}`;
      byLane.set(lane, [...(byLane.get(lane) ?? []), r.offset]);
    }
    expect(byLane.size).toBeGreaterThan(2);
    for (const offsets of byLane.values()) expect(offsets).toEqual(offsets.map((_, i) => String(i)));
    for (const key of ['a', 'b']) {
      expect(new Set(got.filter((r) => r.key === key).map((r) => r.partition)).size).toBe(1);
    }
  });

  it('when a handler throws, then onError gets the error and the same lane goes on with the next record', async () => {
    const errors: unknown[] = [];
    const bus = makeInMemoryBus({ onError: (e) => errors.push(e) });
    const handled: string[] = [];
    await bus.subscribe({
      group: 'g',
      topics: ['t'],
      handle: async (r) => {
        if (valueOf(r) === 'bad') throw new Error('handler failed on bad');
        handled.push(valueOf(r));
      },
    });
    for (const value of ['first', 'bad', 'after']) await bus.publish('t', record('same-key', value));
    await bus.close();
    expect(errors).toEqual([new Error('handler failed on bad')]);
    expect(handled).toEqual(['first', 'after']);
  });

  it('when close() is called while a record is being handled, then it resolves only after that handling finished', async () => {
    const bus = makeInMemoryBus();
    const gate = deferred();
    const started = deferred();
    let finished = false;
    await bus.subscribe({
      group: 'g',
      topics: ['t'],
      handle: async () => {
        started.resolve();
        await gate.promise;
        finished = true;
      },
    });
    await bus.publish('t', record('k', 'slow'));
    await started.promise;

    let closed = false;
    const closing = bus.close().then(() => (closed = true));
    await nextTurn();
    expect(closed).toBe(false);

    gate.resolve();
    await closing;
    expect(finished).toBe(true);
  });

  it('when the bus is closed, then publish rejects and subscribers get nothing more', async () => {
    const bus = makeInMemoryBus();
    const handle = vi.fn(async () => undefined);
    await bus.subscribe({ group: 'g', topics: ['t'], handle });
    await bus.close();
    await expect(bus.publish('t', record('k', 'late'))).rejects.toThrow('bus closed');
    await nextTurn();
    expect(handle).not.toHaveBeenCalled();
  });
});
