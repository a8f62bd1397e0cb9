import type { Principal } from '../../shared/auth/principal';
import { isOffice, withinTenant } from '../../shared/auth/tenant';

/** Where a contract's service order belongs: its country, business unit and store. */
export interface OrderPlace {
  country_code: string;
  business_unit_code: string;
  store_code: string;
}

/**
 * Who sees a contract: operators and admins within the tenant (country / business unit /
 * store) of its service order. Anything else answers as if it did not exist (404).
 */
export function canSee(principal: Principal, place: OrderPlace): boolean {
  return isOffice(principal) && withinTenant(principal, { country: place.country_code, businessUnit: place.business_unit_code, store: place.store_code });
}
