import type { Authenticator } from '../../shared/auth/principal';
import type { Db } from '../../shared/db';
import { verifyCustomerLink } from '../../shared/domain/customer-link';
import { makeHttpFunction, route } from '../../shared/http';
import type { Logger } from '../../shared/logging';
import { recordFindings } from './findings';
import { showClaimLink } from './link';
import { openByOperator, openFromLink } from './open';
import { presentApproval, presentClaim, presentHistory } from './present';
import { claimDetail, listClaims } from './read-claims';
import { claimBody, claimParams, findingsBody, listQuery, orderParams, tokenParams } from './schema';

export const NAME = 'claims';

/** The office: operators and admins (managers and directors carry 'operator' too), each within their tenant. */
const OFFICE = ['operator', 'admin'] as const;
/** The expert's provider staff: the technician assigned to the claim visit, or a provider admin of its provider. */
const FIELD = ['technician', 'provider-admin'] as const;

export interface ClaimsDeps {
  db: Db;
  authenticator: Authenticator;
  logger: Logger;
  /** CUSTOMER_LINK_SECRET: checks the customer's signed claim link. */
  linkSecret: string;
  clock?: () => Date;
}

/**
 * claims: claims on closed orders outside the workflow — an operator records one for the
 * customer, or the customer opens one from their signed claim link (`/link/:token`, no account:
 * the token is the credential, 401 when bad, forged, expired or made for another purpose; one
 * claim per link); the expert of the claim visit records findings; the office lists and reads
 * the claims of its tenant with their history. Opening a claim starts its workflow
 * (claim-opened) and findings move it on (claim-findings-recorded), both through the outbox.
 */
export function claimsFunction(deps: ClaimsDeps) {
  const linkOf = (token: string, now: Date) => verifyCustomerLink(deps.linkSecret, token, 'claim', now);
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
        path: '/orders/:orderId',
        roles: OFFICE,
        params: orderParams,
        body: claimBody,
        idempotent: 'open',
        status: 201,
        handle: ({ params, body, principal }, ctx) => openByOperator(ctx, principal, params.orderId, body),
      }),
      route({
        method: 'GET',
        path: '/link/:token',
        roles: 'anyone',
        params: tokenParams,
        handle: ({ params }, { now }) => showClaimLink(deps.db, linkOf(params.token, now), params.token, now),
      }),
      route({
        method: 'POST',
        path: '/link/:token',
        roles: 'anyone',
        params: tokenParams,
        body: claimBody,
        transaction: true,
        status: 201,
        handle: ({ params, body }, ctx) => openFromLink(ctx, linkOf(params.token, ctx.now), params.token, body),
      }),
      route({
        method: 'GET',
        path: '/',
        roles: OFFICE,
        query: listQuery,
        handle: async ({ query, principal }) => {
          const page = await listClaims(deps.db, principal, query);
          return { items: page.items.map(presentClaim), nextCursor: page.nextCursor };
        },
      }),
      route({
        method: 'GET',
        path: '/:id',
        roles: OFFICE,
        params: claimParams,
        handle: async ({ params, principal }) => {
          const d = await claimDetail(deps.db, principal, params.id);
          return { ...presentClaim(d.claim), history: d.history.map(presentHistory), approvals: d.approvals.map(presentApproval) };
        },
      }),
      route({
        method: 'POST',
        path: '/:id/findings',
        roles: FIELD,
        params: claimParams,
        body: findingsBody,
        idempotent: 'findings',
        handle: ({ params, body, principal }, ctx) => recordFindings(ctx, principal, params.id, body),
      }),
    ],
  });
}
