import type { Authenticator } from '../../shared/auth/principal';
import type { Db } from '../../shared/db';
import { verifyCustomerLink } from '../../shared/domain/customer-link';
import { orderWarranties } from '../../shared/domain/warranties';
import { makeHttpFunction, route } from '../../shared/http';
import type { Logger } from '../../shared/logging';
import { answerFromLink, answerOnDevice } from './answer';
import type { SigningUrls } from './config';
import { liftReserve } from './lift';
import { showLinkedForm } from './link';
import { presentDispute, presentDocument, presentForm, presentReserve, presentRework, presentWarranty } from './present';
import { assertOrderInScope } from './queries';
import { formDetail, listForms } from './read-forms';
import { answerBody, formParams, liftBody, listQuery, orderParams, reserveParams, signingUrlQuery, tokenParams } from './schema';
import { signingUrl } from './signing-url';

export const NAME = 'wcf';

/** The office: operators and admins, each within their tenant (country / business unit / store). */
const OFFICE = ['operator', 'admin'] as const;
/** The provider's staff in the field: the assigned technician, or a provider admin of the order's provider. */
const FIELD = ['technician', 'provider-admin'] as const;

export interface WcfDeps {
  db: Db;
  authenticator: Authenticator;
  logger: Logger;
  esign: SigningUrls;
  /** CUSTOMER_LINK_SECRET: checks the customer's signed link. */
  linkSecret: string;
  clock?: () => Date;
}

/**
 * wcf: the Work Closing Form outside the workflow — the customer's answer recorded on the
 * technician's device or from the customer's signed link (`/answers/:token`, no account: the
 * token is the credential, 401 when bad, forged, expired or made for another purpose), Adobe's
 * in-person signing page for the customer or the technician, reserves lifted by the re-work's
 * provider, and the office's view of the forms and of an order's warranties. Device writes are
 * idempotent by the app's Idempotency-Key; link answers are never cached.
 */
export function wcfFunction(deps: WcfDeps) {
  const claimsOf = (token: string, now: Date) => verifyCustomerLink(deps.linkSecret, token, 'wcf-answer', now);
  return makeHttpFunction({
    name: NAME,
    db: deps.db,
    clock: deps.clock,
    authenticator: deps.authenticator,
    logger: deps.logger,
    headers: { 'cache-control': 'no-store' },
    routes: [
      route({
        method: 'POST',
        path: '/orders/:orderId/answer',
        roles: FIELD,
        params: orderParams,
        body: answerBody,
        idempotent: 'answer',
        handle: ({ params, body, principal }, ctx) => answerOnDevice(ctx, principal, params.orderId, body),
      }),
      route({
        method: 'GET',
        path: '/answers/:token',
        roles: 'anyone',
        params: tokenParams,
        handle: ({ params }, { now }) => showLinkedForm(deps.db, claimsOf(params.token, now)),
      }),
      route({
        method: 'POST',
        path: '/answers/:token',
        roles: 'anyone',
        params: tokenParams,
        body: answerBody,
        transaction: true,
        handle: ({ params, body }, ctx) => answerFromLink(ctx, claimsOf(params.token, ctx.now), body),
      }),
      route({
        method: 'GET',
        path: '/orders/:orderId/signing-url',
        roles: ['technician'],
        params: orderParams,
        query: signingUrlQuery,
        handle: ({ params, query, principal }) => signingUrl(deps, principal, params.orderId, query.signer),
      }),
      route({
        method: 'POST',
        path: '/reserves/:id/lift',
        roles: FIELD,
        params: reserveParams,
        body: liftBody,
        idempotent: 'lift',
        handle: ({ params, body, principal }, ctx) => liftReserve(ctx, principal, params.id, body),
      }),
      route({
        method: 'GET',
        path: '/forms',
        roles: OFFICE,
        query: listQuery,
        handle: async ({ query, principal }) => {
          const page = await listForms(deps.db, principal, query);
          return { items: page.items.map(presentForm), nextCursor: page.nextCursor };
        },
      }),
      route({
        method: 'GET',
        path: '/forms/:id',
        roles: OFFICE,
        params: formParams,
        handle: async ({ params, principal }) => {
          const d = await formDetail(deps.db, principal, params.id);
          return {
            ...presentForm(d.form),
            agreementStatus: d.agreementStatus,
            reserves: d.reserves.map(presentReserve),
            reworks: d.reworks.map(presentRework),
            disputes: d.disputes.map(presentDispute),
            documents: d.documents.map(presentDocument),
          };
        },
      }),
      route({
        method: 'GET',
        path: '/orders/:orderId/warranties',
        roles: OFFICE,
        params: orderParams,
        handle: async ({ params, principal }, { now }) => {
          await assertOrderInScope(deps.db, principal, params.orderId);
          const today = now.toISOString().slice(0, 10);
          return { serviceOrderId: params.orderId, today, items: (await orderWarranties(deps.db, params.orderId, today)).map(presentWarranty) };
        },
      }),
    ],
  });
}
