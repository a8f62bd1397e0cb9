import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cloudEvent, postEvent, startFunction } from '../../test/support/function-server';
import { unique, useTestDb } from '../../test/support/db';
import { useDevIdentity } from '../../test/support/identity';
import { memoryLogger } from '../../test/support/logger';
import { deadLettersFunction } from './function';

const db = useTestDb();
const identity = await useDevIdentity();
const logger = memoryLogger();
const url = await startFunction('dead-letters', deadLettersFunction({ db, authenticator: identity.authenticator, logger }));

const DEST = 'http://order-intake.ahs.svc.cluster.local';
const base64 = (text: string) => Buffer.from(text).toString('base64');

/** An event type no other test uses, so list assertions see only this test's letters. */
const uniqueType = () => `ahs.test.failed-${unique().toLowerCase()}`;

/** The failed event as Knative's dispatcher delivers it to the dead letter sink. */
function deadLetter(options: { type?: string; id?: string; destination?: string; errorData?: string | null; code?: string; data?: unknown } = {}) {
  const errorData =
    options.errorData === undefined ? JSON.stringify({ error: 'invalid_event', reason: 'unknown store code "ES-XXX-9999"' }) : options.errorData;
  return cloudEvent({
    type: options.type ?? uniqueType(),
    source: '/sales/test',
    id: options.id ?? randomUUID(),
    partitionkey: 'ES-0042-778812',
    data: options.data ?? { order: { orderNumber: 'ES-0042-778812', storeCode: 'ES-XXX-9999' } },
    knativeerrorcode: options.code ?? '400',
    knativeerrordest: options.destination ?? DEST,
    ...(errorData === null ? {} : { knativeerrordata: base64(errorData) }),
  });
}

interface StoredLetter {
  id: string;
  event_type: string;
  destination: string;
  error_code: number | null;
  error_reason: string | null;
  attributes: Record<string, unknown>;
  data: unknown;
}

async function stored(source: string, id: string) {
  const { rows } = await db.query<StoredLetter>(
    'SELECT id, event_type, destination, error_code, error_reason, attributes, data FROM platform.dead_letters WHERE event_source = $1 AND event_id = $2 ORDER BY id',
    [source, id],
  );
  return rows;
}

async function get(path: string, authorization?: string) {
  const response = await fetch(`${url}${path}`, { headers: authorization ? { authorization } : {} });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('dead-letters POST / (the dead letter sink)', () => {
  it('when a failed event arrives with the Knative extensions, then it is kept with its decoded reason, code and destination', async () => {
    const event = deadLetter();
    expect(await postEvent(url, event)).toMatchObject({ status: 200, body: { result: 'recorded' } });

    const rows = await stored(event.source, event.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      event_type: event.type,
      destination: DEST,
      error_code: 400,
      error_reason: 'unknown store code "ES-XXX-9999"',
      data: { order: { orderNumber: 'ES-0042-778812', storeCode: 'ES-XXX-9999' } },
    });
    expect(rows[0]?.attributes).toMatchObject({ partitionkey: 'ES-0042-778812', knativeerrordest: DEST, knativeerrorcode: '400' });
    expect(logger.lines).toContainEqual(expect.objectContaining({ msg: 'event dead-lettered', eventId: event.id, duplicate: false }));
  });

  it('when the same dead letter is delivered twice, then it is stored once and the second answer is duplicate', async () => {
    const event = deadLetter();
    expect((await postEvent(url, event)).body).toEqual({ result: 'recorded' });
    expect(await postEvent(url, event)).toMatchObject({ status: 200, body: { result: 'duplicate' } });
    expect(await stored(event.source, event.id)).toHaveLength(1);
  });

  it('when the same event failed at two destinations, then both dead letters are kept', async () => {
    const id = randomUUID();
    const type = uniqueType();
    await postEvent(url, deadLetter({ id, type }));
    expect((await postEvent(url, deadLetter({ id, type, destination: 'http://notifier.ahs.svc.cluster.local' }))).body).toEqual({ result: 'recorded' });
    expect((await stored('/sales/test', id)).map((r) => r.destination)).toEqual([DEST, 'http://notifier.ahs.svc.cluster.local']);
  });

  it('when the failing answer is not JSON, then its text is kept as the reason', async () => {
    const event = deadLetter({ errorData: 'upstream connect error or disconnect/reset before headers', code: '503' });
    await postEvent(url, event);
    expect((await stored(event.source, event.id))[0]).toMatchObject({
      error_code: 503,
      error_reason: 'upstream connect error or disconnect/reset before headers',
    });
  });

  it('when the Knative error data and code are absent, then reason and code are null', async () => {
    const event = deadLetter({ errorData: null, code: 'not-a-number' });
    expect((await postEvent(url, event)).status).toBe(200);
    expect((await stored(event.source, event.id))[0]).toMatchObject({ error_code: null, error_reason: null, destination: DEST });
  });

  // Known gap, outside this function: functions-framework's JSON body parser answers 400 before the
  // handler runs, so a dead letter whose JSON data does not parse (the event order-intake refuses with
  // "CloudEvent data is not valid JSON") is refused by the sink and lost. Flip to `it` once fixed.
  it('when the failed event carries data that is not valid JSON, then it is still kept (the sink is the last stop)', async () => {
    const id = randomUUID();
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': id,
        'ce-source': '/sales/test',
        'ce-type': uniqueType(),
        'ce-knativeerrorcode': '400',
        'ce-knativeerrordest': DEST,
        'ce-knativeerrordata': base64(JSON.stringify({ error: 'invalid_event', reason: 'CloudEvent data is not valid JSON' })),
      },
      body: '{"order": ',
    });
    expect(response.status).toBe(200);
    expect((await stored('/sales/test', id))[0]).toMatchObject({ error_reason: 'CloudEvent data is not valid JSON', data: '{"order": ' });
  });

  it('when the body is not a CloudEvent, then 400', async () => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"hello":1}' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_event' });
  });
});

describe('dead-letters GET / (for admins)', () => {
  it("when an operator lists by type, then that type's dead letters come newest first", async () => {
    const type = uniqueType();
    const first = deadLetter({ type });
    const second = deadLetter({ type, errorData: JSON.stringify({ reason: 'second failure' }), code: '500' });
    await postEvent(url, first);
    await postEvent(url, second);
    await postEvent(url, deadLetter());

    const answer = await get(`/?type=${type}`, await identity.bearer('admin'));
    expect(answer.status).toBe(200);
    const items = answer.body.items as Record<string, unknown>[];
    expect(items.map((i) => i.event_id)).toEqual([second.id, first.id]);
    expect(items[0]).toMatchObject({
      id: expect.any(Number) as number,
      event_source: '/sales/test',
      event_type: type,
      destination: DEST,
      error_code: 500,
      error_reason: 'second failure',
    });
    expect(items[1]).toMatchObject({ error_code: 400, error_reason: 'unknown store code "ES-XXX-9999"' });
  });

  it('when an admin pages with limit and before, then the older letters come next', async () => {
    const type = uniqueType();
    const letters = [deadLetter({ type }), deadLetter({ type }), deadLetter({ type })];
    for (const letter of letters) await postEvent(url, letter);
    const bearer = await identity.bearer('admin');

    const page1 = (await get(`/?type=${type}&limit=2`, bearer)).body.items as { id: number; event_id: string }[];
    expect(page1.map((i) => i.event_id)).toEqual([letters[2]?.id, letters[1]?.id]);
    const page2 = (await get(`/?type=${type}&limit=2&before=${page1[1]?.id}`, bearer)).body.items as { event_id: string }[];
    expect(page2.map((i) => i.event_id)).toEqual([letters[0]?.id]);
  });

  it('when the list has no filter, then it is newest first across types', async () => {
    const older = deadLetter();
    const newer = deadLetter();
    await postEvent(url, older);
    await postEvent(url, newer);
    const answer = await get('/?limit=200', await identity.bearer('admin'));
    const items = answer.body.items as { id: number; event_id: string }[];
    const positions = [newer.id, older.id].map((id) => items.findIndex((i) => i.event_id === id));
    expect(positions[0]).toBeGreaterThanOrEqual(0);
    expect(positions[0]).toBeLessThan(positions[1] ?? -1);
    expect(items.map((i) => i.id)).toEqual([...items.map((i) => i.id)].sort((a, b) => b - a));
  });

  it('when the query is invalid, then 400 names the field', async () => {
    const answer = await get('/?limit=0', await identity.bearer('admin'));
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([expect.objectContaining({ field: 'query.limit' })]);
  });

  it('when there is no token, then 401', async () => {
    expect(await get('/')).toMatchObject({ status: 401, body: { error: 'unauthenticated' } });
    expect((await get('/', 'Bearer garbage')).status).toBe(401);
  });

  it.each(['operator-es', 'operator-fr', 'technician', 'provider-admin'] as const)(
    'when %s lists, then 403 (dead letters span every tenant: admins only)',
    async (user) => {
      expect(await get('/', await identity.bearer(user))).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    },
  );
});
