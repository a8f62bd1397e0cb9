import type { Authenticator } from '../../shared/auth/principal';
import type { Db } from '../../shared/db';
import { makeHttpFunction, route } from '../../shared/http';
import type { Logger } from '../../shared/logging';
import { addMapping, listMappings } from './add-mapping';
import { listQuery, mappingBody, mappingParams } from './schema';

export const NAME = 'product-mappings';

/**
 * product-mappings: which service product of the catalogue each sales system's product code
 * stands for, as order-intake maps sales (HQ admins only, bearer token). `GET /` lists them;
 * `PUT /{salesSystem}/{salesProductCode}` with `{"serviceProductCode": ...}` adds one — the
 * supported fix of a sale dead-lettered with `unknown-product-code`, before an admin replays it
 * (dead-letters `POST /{id}/replay`).
 */
export function productMappingsFunction(deps: { db: Db; authenticator: Authenticator; logger: Logger }) {
  return makeHttpFunction({
    name: NAME,
    db: deps.db,
    authenticator: deps.authenticator,
    logger: deps.logger,
    routes: [
      route({
        method: 'GET',
        path: '/',
        roles: ['admin'],
        query: listQuery,
        handle: async ({ query }) => ({ items: await listMappings(deps.db, query) }),
      }),
      route({
        method: 'PUT',
        path: '/:salesSystem/:salesProductCode',
        // The catalogue is every country's: HQ admins only.
        roles: ['admin'],
        params: mappingParams,
        body: mappingBody,
        transaction: true,
        handle: ({ params, body }, ctx) => addMapping(ctx.tx, params, body),
      }),
    ],
  });
}
