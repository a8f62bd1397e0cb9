// The outbox relay's single-drainer guarantee through PgBouncer's transaction pooling: two relays
// (two pools, as two revisions during a rollout) drain the same outbox at the same time through
// the pooler; every event must be published once, and the events of one key in the order written.
//
//   npx tsx scripts/pgbouncer/relay-probe.ts [bouncer-server-url] [direct-server-url]
//     defaults: postgres://postgres@127.0.0.1:6432/postgres  postgres://postgres@127.0.0.1:5432/postgres
//
// Creates its database directly on Postgres (migrated there), drops it at the end.
import { createPool, withTransaction } from '../../shared/db';
import { migrate } from '../../shared/db/migrate';
import { makeOutbox } from '../../shared/outbox/outbox';
import { makeOutboxRelay } from '../../shared/outbox/relay';
import type { EventPublisher, OutgoingEvent } from '../../shared/outbox/publisher';
import { options, thingHappened } from '../../shared/outbox/testing';
import { memoryLogger } from '../../test/support/logger';
import { probeDatabase } from './probe-database';

const db = probeDatabase('relay');
const KEYS = 8;
const EVENTS_PER_KEY = 50;

async function main() {
  await db.create();
  try {
    await migrate({ databaseUrl: db.directUrl });
    const writer = createPool({ connectionString: db.bouncerUrl, max: 4 });
    const published: { relay: string; event: OutgoingEvent }[] = [];
    const publisher = (relay: string): EventPublisher => ({
      async publish(events) {
        await new Promise((r) => setTimeout(r, 3)); // a broker round trip, inside the relay's transaction
        for (const event of events) published.push({ relay, event });
      },
      close: () => Promise.resolve(),
    });
    const pools = [createPool({ connectionString: db.bouncerUrl, max: 4 }), createPool({ connectionString: db.bouncerUrl, max: 4 })];
    const relays = pools.map((db, i) => makeOutboxRelay({ db, publisher: publisher(`relay-${i}`), logger: memoryLogger(), batchSize: 7 }));

    // Writers and both relays at once.
    const written: string[] = [];
    let writing = true;
    const writers = (async () => {
      for (let step = 1; step <= EVENTS_PER_KEY; step++) {
        await Promise.all(
          Array.from({ length: KEYS }, (_, k) =>
            withTransaction(writer, async (tx) => {
              const id = await makeOutbox(tx, options).add(thingHappened, { thingId: `key-${k}`, step });
              written.push(id);
            }),
          ),
        );
      }
      writing = false;
    })();
    const drains = { held: [0, 0], empty: [0, 0] };
    await Promise.all(
      relays.map(async (relay, i) => {
        for (let idle = 0; writing || idle < 20;) {
          const sent = await relay.drainOnce();
          if (sent > 0) {
            drains.held[i]! += 1;
            idle = 0;
          } else {
            drains.empty[i]! += 1;
            idle += writing ? 0 : 1;
            await new Promise((r) => setTimeout(r, 2));
          }
        }
      }),
    );
    await writers;

    const ids = published.map((p) => p.event.event.id);
    const duplicates = ids.length - new Set(ids).size;
    const missing = written.filter((id) => !ids.includes(id)).length;
    let outOfOrder = 0;
    const last = new Map<string, number>();
    for (const { event } of published) {
      const data = event.event.data as { thingId: string; step: number };
      if ((last.get(data.thingId) ?? 0) > data.step) outOfOrder++;
      last.set(data.thingId, data.step);
    }
    const byRelay = ['relay-0', 'relay-1'].map((r) => published.filter((p) => p.relay === r).length);
    console.log(`written ${written.length} events (${KEYS} keys × ${EVENTS_PER_KEY}); published ${ids.length}: relay-0 ${byRelay[0]}, relay-1 ${byRelay[1]}`);
    console.log(
      `drains that published: relay-0 ${drains.held[0]}, relay-1 ${drains.held[1]}; drains with nothing (lock held by the other, or empty): ${drains.empty[0]}, ${drains.empty[1]}`,
    );
    console.log(`duplicates ${duplicates}, missing ${missing}, out of order within a key ${outOfOrder}`);
    console.log(duplicates === 0 && missing === 0 && outOfOrder === 0 ? 'OK: single drainer held through PgBouncer' : 'BROKEN');
    await Promise.all([writer.end(), ...pools.map((p) => p.end())]);
  } finally {
    await db.drop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
