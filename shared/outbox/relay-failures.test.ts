import { describe, expect, it } from 'vitest';
import { defineEvent } from '../../events/define';
import { unique, useTestDb } from '../../test/support/db';
import { memoryLogger } from '../../test/support/logger';
import { withTransaction } from '../db/transaction';
import { makeOutbox } from './outbox';
import { TopicUnavailableError, type EventPublisher, type OutgoingEvent } from './publisher';
import { makeOutboxRelay, PUBLISH_FAILED_METRIC } from './relay';
import { commitEvent, drainBacklog, drainUntilPublished, mine, options, recordingPublisher, rowOf, sleep, thingHappened } from './testing';

const db = useTestDb();

describe('outbox relay and trace context', () => {
  it('when a row was written inside a trace, then its event carries the CloudEvents traceparent extension', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const traced = { ...options, traceHeaders: () => ({ traceparent, 'x-datadog-trace-id': '42' }) };
    const eventId = await withTransaction(db, (tx) => makeOutbox(tx, traced).add(thingHappened, { thingId: `TP-${unique()}`, step: 1 }));
    const publisher = recordingPublisher();
    await drainUntilPublished(db, makeOutboxRelay({ db, publisher, logger: memoryLogger() }), [eventId]);
    const sent = publisher.sent.find((o) => o.event.id === eventId);
    expect(sent?.event.traceparent).toBe(traceparent);
    expect(sent?.traceHeaders).toEqual({ traceparent, 'x-datadog-trace-id': '42' });
  });
});

/** Rows of other test files' topics never reach these relays' refusals: only the outbox tests drain. */
describe('outbox relay with a topic that cannot be published to', () => {
  const broken = defineEvent({ ...thingHappened, topic: 'test.thing.refused', type: 'ahs.test.thing.refused' });

  function publisherRefusing(topic: string): EventPublisher & { sent: OutgoingEvent[]; refused: number } {
    const state = { sent: [] as OutgoingEvent[], refused: 0 };
    return Object.assign(state, {
      publish(events: OutgoingEvent[]) {
        if (events.some((e) => e.topic === topic)) {
          state.refused += 1;
          return Promise.reject(new Error(`unknown topic ${topic}`));
        }
        state.sent.push(...events);
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    });
  }

  it('when one topic fails, then the other topics still flow and the failing topic keeps its rows, set aside for a while', async () => {
    await drainBacklog(db);
    const stuck = await withTransaction(db, (tx) => makeOutbox(tx, options).add(broken, { thingId: `R-${unique()}`, step: 1 }));
    const flowing = await commitEvent(db, `F-${unique()}`);
    const publisher = publisherRefusing(broken.topic);
    const relay = makeOutboxRelay({ db, publisher, logger: memoryLogger(), batchSize: 10_000, failedTopicPauseMs: 60_000 });

    await drainUntilPublished(db, relay, [flowing]);
    expect(mine(publisher.sent, [flowing])).toEqual([flowing]);
    expect(publisher.refused).toBe(1);
    expect(await rowOf(db, stuck)).toMatchObject({ published_at: null, attempts: 1, last_error: `unknown topic ${broken.topic}` });

    const later = await commitEvent(db, `L-${unique()}`);
    await drainUntilPublished(db, relay, [later]);
    expect(publisher.refused).toBe(1); // set aside: not tried again during its pause
    expect(await rowOf(db, stuck)).toMatchObject({ published_at: null });

    await drainUntilPublished(db, makeOutboxRelay({ db, publisher: recordingPublisher(), logger: memoryLogger() }), [stuck]);
  });
});

describe('outbox relay after a failed publish', () => {
  const doubtful = defineEvent({ ...thingHappened, topic: 'test.thing.in-doubt', type: 'ahs.test.thing.in-doubt' });
  const unavailable = defineEvent({ ...thingHappened, topic: 'test.thing.unavailable', type: 'ahs.test.thing.unavailable' });
  const commitTo = (definition: typeof thingHappened, thingId: string) =>
    withTransaction(db, (tx) => makeOutbox(tx, options).add(definition, { thingId, step: 1 }));

  /** Records the event ids of each publish call to `topic`; `fail(call)` says whether that call throws. */
  function publisherFailing(topic: string, fail: (call: number) => Error | undefined): EventPublisher & { calls: string[][] } {
    const calls: string[][] = [];
    return {
      calls,
      publish(events) {
        const mine = events.filter((e) => e.topic === topic);
        if (mine.length === 0) return Promise.resolve();
        calls.push(mine.map((e) => e.event.id));
        const error = fail(calls.length);
        return error ? Promise.reject(error) : Promise.resolve();
      },
      close: () => Promise.resolve(),
    };
  }

  it('when a publish failed (the broker may have the events), then exactly those rows are sent again first, newer rows after them', async () => {
    await drainBacklog(db);
    const thingId = `D-${unique()}`;
    const first = [await commitTo(doubtful, thingId), await commitTo(doubtful, thingId), await commitTo(doubtful, thingId)];
    const publisher = publisherFailing(doubtful.topic, (call) => (call === 1 ? new Error('Connection error: broker down') : undefined));
    const relay = makeOutboxRelay({ db, publisher, logger: memoryLogger(), batchSize: 10_000, failedTopicPauseMs: 0, count: () => undefined });
    await relay.drainOnce().catch(() => 0);
    expect(publisher.calls).toEqual([first]);

    const later = [await commitTo(doubtful, thingId), await commitTo(doubtful, thingId)];
    await drainUntilPublished(db, relay, [...first, ...later]);
    expect(publisher.calls.slice(0, 2)).toEqual([first, first]);
    expect(publisher.calls.slice(2).flat()).toEqual(later);
  });

  it('when a topic is set aside after a failure, then drains skip it and the relay reports it failing, with its error, until it flows', async () => {
    await drainBacklog(db);
    const eventId = await commitTo(unavailable, `S-${unique()}`);
    const refused = new TopicUnavailableError(unavailable.topic, 'it does not exist and creating it was refused');
    let refusing = true;
    const publisher = publisherFailing(unavailable.topic, () => (refusing ? refused : undefined));
    const relay = makeOutboxRelay({ db, publisher, logger: memoryLogger(), batchSize: 10_000, failedTopicPauseMs: 1_000, count: () => undefined });
    for (let i = 0; i < 50 && publisher.calls.length === 0; i++) await relay.drainOnce().catch(() => 0);
    await relay.drainOnce().catch(() => 0);
    expect(publisher.calls).toHaveLength(1); // set aside: the second drain did not try it again
    expect(relay.failingTopics()).toEqual([{ topic: unavailable.topic, error: refused }]);
    refusing = false;
    await sleep(1_050);
    await drainUntilPublished(db, relay, [eventId]);
    expect(relay.failingTopics()).toEqual([]);
  });

  it('when a topic is unavailable, then each attempt is counted, one error is logged, and one line says when it flows again', async () => {
    await drainBacklog(db);
    const eventId = await commitTo(unavailable, `U-${unique()}`);
    const publisher = publisherFailing(unavailable.topic, (call) =>
      call <= 3 ? new TopicUnavailableError(unavailable.topic, 'it does not exist and creating it was refused') : undefined,
    );
    const logger = memoryLogger();
    const counted: Record<string, string>[] = [];
    const relay = makeOutboxRelay({ db, publisher, logger, batchSize: 10_000, failedTopicPauseMs: 0, count: (name, tags) => counted.push({ name, ...tags }) });
    for (let i = 0; i < 3; i++) await relay.drainOnce().catch(() => 0);
    await drainUntilPublished(db, relay, [eventId]);
    expect(publisher.calls).toHaveLength(4);
    expect(counted).toEqual(Array(3).fill({ name: PUBLISH_FAILED_METRIC, topic: unavailable.topic, reason: 'topic-unavailable' }));
    const about = logger.lines.filter((l) => l.topic === unavailable.topic);
    expect(about.map((l) => [l.level, l.msg])).toEqual([
      ['error', 'events of a topic cannot be published; they wait until it is available'],
      ['info', 'events of a topic are published again'],
    ]);
    expect(about[1]).toMatchObject({ failedAttempts: 3 });
  });
});
