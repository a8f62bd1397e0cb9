import type { Authenticator } from '../../shared/auth/principal';
import type { Db } from '../../shared/db';
import { makeHttpFunction, route } from '../../shared/http';
import type { Logger } from '../../shared/logging';
import { addRule } from './add-rule';
import { closeRule } from './close-rule';
import { listRules } from './queries';
import { closeBody, listQuery, ruleBody, ruleParams } from './schema';

export const NAME = 'pricing-rules';

/**
 * pricing-rules: the channel pricing rules order-intake applies to each sale's lines (HQ admins
 * only, bearer token) — per country, sales channel and service product, a percentage and/or a
 * per-unit amount on the list price, valid over dates. `GET /` lists them (filters countryCode,
 * salesChannel, serviceProductCode, validOn); `POST /` adds one (201; overlapping another is 409
 * `pricing-rule-overlap`); `POST /{id}/close` with `{"validTo": ...}` ends one.
 */
export function pricingRulesFunction(deps: { db: Db; authenticator: Authenticator; logger: Logger }) {
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
        handle: async ({ query }) => ({ items: await listRules(deps.db, query) }),
      }),
      route({
        method: 'POST',
        path: '/',
        // Prices are every country's business: HQ admins only.
        roles: ['admin'],
        body: ruleBody,
        transaction: true,
        status: 201,
        handle: ({ body }, ctx) => addRule(ctx.tx, body),
      }),
      route({
        method: 'POST',
        path: '/:id/close',
        roles: ['admin'],
        params: ruleParams,
        body: closeBody,
        transaction: true,
        handle: ({ params, body }, ctx) => closeRule(ctx.tx, params.id, body),
      }),
    ],
  });
}
