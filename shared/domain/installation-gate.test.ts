import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unique, useTestDb } from '../../test/support/db';
import { useOrderSeller } from '../../test/support/tv';
import { withTransaction } from '../db';
import { ConflictError, NotFoundError } from '../errors';
import { assertInstallationSchedulable, INSTALLATION_BLOCKED_SQLSTATE, installationBlockedError } from './installation-gate';

const db = useTestDb();
const sell = await useOrderSeller(db);
// A table of installation appointments as a future booking function would own it.
const table = `public.test_appointments_${unique().toLowerCase()}`;

beforeAll(async () => {
  await db.query(`CREATE TABLE ${table} (id SERIAL PRIMARY KEY, service_order_id UUID NOT NULL, starts_at TIMESTAMPTZ NOT NULL)`);
  await db.query(`CREATE TRIGGER refuse_blocked_installation BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION orders.refuse_blocked_installation()`);
});
afterAll(() => db.query(`DROP TABLE IF EXISTS ${table}`));

const setStatus = (id: string, status: string) => db.query('UPDATE orders.service_orders SET installation_status = $2 WHERE id = $1', [id, status]);
const setContract = (id: string, status: string) => db.query('UPDATE orders.service_orders SET contract_status = $2 WHERE id = $1', [id, status]);
const book = (id: string) => db.query(`INSERT INTO ${table} (service_order_id, starts_at) VALUES ($1, NOW())`, [id]);
const check = (id: string) => withTransaction(db, (tx) => assertInstallationSchedulable(tx, id));

async function refusal(work: Promise<unknown>) {
  try {
    await work;
  } catch (error) {
    return error as Error & { code?: string; detail?: string };
  }
  throw new Error('expected a refusal');
}

describe('installation gate', () => {
  it('when an order needs a technical visit, then it is created awaiting-tv; an order without one is ready', async () => {
    const kitchen = await sell('pyxis-created');
    const doors = await sell('tempo-created-pl');
    const { rows } = await db.query('SELECT id, installation_status FROM orders.service_orders WHERE id = ANY($1)', [[kitchen.id, doors.id]]);
    expect(Object.fromEntries(rows.map((r: { id: string; installation_status: string }) => [r.id, r.installation_status]))).toEqual({
      [kitchen.id]: 'awaiting-tv',
      [doors.id]: 'ready',
    });
  });

  it('when the installation awaits its TV, then the domain check says installation-awaiting-tv and the trigger refuses the booking', async () => {
    const order = await sell();
    const error = await refusal(check(order.id));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ reason: 'installation-awaiting-tv' });

    const db_ = await refusal(book(order.id));
    expect(db_).toMatchObject({ code: INSTALLATION_BLOCKED_SQLSTATE, detail: 'installation-awaiting-tv' });
    expect(installationBlockedError(db_)).toMatchObject({ kind: 'conflict', reason: 'installation-awaiting-tv' });
  });

  it('when the TV cancelled the installation, then both refuse it with installation-cancelled', async () => {
    const order = await sell();
    await setStatus(order.id, 'cancelled');
    expect(await refusal(check(order.id))).toMatchObject({ reason: 'installation-cancelled' });
    const error = await refusal(book(order.id));
    expect(installationBlockedError(error)).toMatchObject({ reason: 'installation-cancelled' });
  });

  it('when the TV unblocked the installation but the contract is not signed, then both refuse it with installation-awaiting-contract', async () => {
    const order = await sell();
    await setStatus(order.id, 'ready');
    const { rows } = await db.query<{ contract_status: string }>('SELECT contract_status FROM orders.service_orders WHERE id = $1', [order.id]);
    expect(rows[0]?.contract_status).toBe('awaiting-signature');
    expect(await refusal(check(order.id))).toMatchObject({ reason: 'installation-awaiting-contract' });
    expect(installationBlockedError(await refusal(book(order.id)))).toMatchObject({ reason: 'installation-awaiting-contract' });
  });

  it('when the contract was given up, then both refuse it with installation-contract-cancelled', async () => {
    const order = await sell();
    await setStatus(order.id, 'ready');
    await setContract(order.id, 'cancelled');
    expect(await refusal(check(order.id))).toMatchObject({ reason: 'installation-contract-cancelled' });
    expect(installationBlockedError(await refusal(book(order.id)))).toMatchObject({ reason: 'installation-contract-cancelled' });
  });

  it('when the TV unblocked the installation and the contract is signed, then the check passes and the booking is written', async () => {
    const order = await sell();
    await setStatus(order.id, 'ready');
    await setContract(order.id, 'signed');
    await expect(check(order.id)).resolves.toBeUndefined();
    await book(order.id);
    const { rows } = await db.query(`SELECT 1 FROM ${table} WHERE service_order_id = $1`, [order.id]);
    expect(rows).toHaveLength(1);
  });

  it('when the order does not exist, then the check says not found and the trigger a foreign key violation', async () => {
    const id = randomUUID();
    expect(await refusal(check(id))).toBeInstanceOf(NotFoundError);
    const error = await refusal(book(id));
    expect(error.code).toBe('23503');
    expect(installationBlockedError(error)).toBeUndefined();
  });
});
