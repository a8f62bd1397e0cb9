import { randomUUID } from 'node:crypto';
import type { Db } from '../../shared/db';
import type { PyxisFixture } from '../../test/fixtures/sales';
import { unique } from '../../test/support/db';
import { useOrderSeller } from '../../test/support/tv';
import { defaultWeights } from './ranking';
import type { FunnelSettings } from './config';

/**
 * What the dispatch funnel's tests share: orders sold through the real order-intake, then put
 * in a postal code of their own (so providers made for one test never meet another test's
 * orders), and providers with one technician each, serving that postal code.
 */
export const settings: FunnelSettings = { weights: defaultWeights, horizonDays: 14 };
export const ES_CENTRO = 'b0000000-0000-4000-8000-000000000101';
export const FR_RHONE_ALPES = 'b0000000-0000-4000-8000-000000000201';

export interface ProviderSeed {
  country?: 'ES' | 'FR';
  businessUnitId?: string;
  status?: 'active' | 'onboarding' | 'suspended';
  quality?: number;
  cost?: number;
  priority?: number;
  skills?: string[];
  workingDays?: number[];
  capacityHours?: number;
  storeIds?: string[];
}

export function useDispatchWorld(db: Db) {
  const sellerReady = useOrderSeller(db);
  return {
    /** A new order (ES kitchen, or the FR fixture), installable (TV resolved) unless told, in a postal code of its own. */
    async order(fixture: PyxisFixture = 'pyxis-created', over: { ready?: boolean; skills?: string[] } = {}) {
      const sell = await sellerReady;
      const sold = await sell(fixture);
      const postal = `T${unique().slice(-8)}`;
      await db.query('UPDATE orders.customers SET postal_code = $2 WHERE id = $1', [sold.customerId, postal]);
      // Its contract is signed: dispatch tests book appointments, which the contract block would refuse.
      await db.query(`UPDATE orders.service_orders SET installation_status = $2, contract_status = 'signed', skills = COALESCE($3, skills) WHERE id = $1`, [
        sold.id,
        over.ready === false ? 'awaiting-tv' : 'ready',
        over.skills ?? null,
      ]);
      const {
        rows: [o],
      } = await db.query<{ store_id: string; business_unit_id: string }>('SELECT store_id, business_unit_id FROM orders.service_orders WHERE id = $1', [
        sold.id,
      ]);
      return { ...sold, postal, storeId: o!.store_id, businessUnitId: o!.business_unit_id };
    },
    /** A provider serving `postal` with one technician. */
    async provider(postal: string, seed: ProviderSeed = {}) {
      const id = randomUUID();
      const technicianId = randomUUID();
      const country = seed.country ?? 'ES';
      await db.query(`INSERT INTO dispatch.providers (id, name, country_code, status, quality_score, cost_index) VALUES ($1, $2, $3, $4, $5, $6)`, [
        id,
        `Provider ${unique()}`,
        country,
        seed.status ?? 'active',
        seed.quality ?? 0.8,
        seed.cost ?? 1,
      ]);
      await db.query('INSERT INTO dispatch.provider_business_units (provider_id, business_unit_id) VALUES ($1, $2)', [
        id,
        seed.businessUnitId ?? (country === 'ES' ? ES_CENTRO : FR_RHONE_ALPES),
      ]);
      for (const store of seed.storeIds ?? []) await db.query('INSERT INTO dispatch.provider_stores (provider_id, store_id) VALUES ($1, $2)', [id, store]);
      await db.query('INSERT INTO dispatch.provider_zones (provider_id, postal_code_prefix, priority) VALUES ($1, $2, $3)', [id, postal, seed.priority ?? 1]);
      await db.query(
        `INSERT INTO dispatch.technicians (id, provider_id, subject, display_name, skills, zones, working_days, daily_capacity_hours)
         VALUES ($1, $2, $3, 'Test technician', $4, $5, $6, $7)`,
        [
          technicianId,
          id,
          `tech-${unique()}`,
          seed.skills ?? ['KITCHEN', 'PLUMBING_BASIC', 'ELECTRICAL_BASIC'],
          [postal],
          seed.workingDays ?? [1, 2, 3, 4, 5, 6, 7],
          seed.capacityHours ?? 8,
        ],
      );
      return { id, technicianId };
    },
  };
}
