import { createHash, randomUUID } from 'node:crypto';
import { messages } from '../../bpmn/contract';
import type { Principal } from '../../shared/auth/principal';
import type { CustomerLinkClaims } from '../../shared/domain/customer-link';
import { recordClaimHistory } from '../../shared/domain/claim-history';
import { ConflictError, InvalidInputError } from '../../shared/errors';
import type { WriteContext } from '../../shared/http';
import { requestWorkflowMessage } from '../../shared/workflow/request-message';
import { presentClaim } from './present';
import { claimableOrder, claimById, type ClaimedOrder } from './queries';
import type { ClaimBody } from './schema';

/** Who opens a claim: an operator (their subject) or the customer from their link. */
type Opener = { via: 'operator'; subject: string } | { via: 'customer-link' };

/** The SHA-256 (hex) of a link's token: what claims.used_links keeps, never the token. */
export const tokenSha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * An operator records a claim for the customer on an order of their tenant (404 otherwise;
 * 409 `order-not-accepted` before the customer accepted the work).
 */
export async function openByOperator(ctx: WriteContext, principal: Principal, orderId: string, body: ClaimBody) {
  const order = await claimableOrder(ctx.tx, principal, orderId);
  return openClaim(ctx, order, body, { via: 'operator', subject: principal.subject });
}

/**
 * The customer opens a claim from their signed link (checked by the caller) on the order it
 * names. The link opens one claim: its token's hash goes into claims.used_links in the same
 * transaction, and a second use is 409 `claim-link-used` with nothing changed.
 */
export async function openFromLink(ctx: WriteContext, link: CustomerLinkClaims, token: string, body: ClaimBody) {
  const sha = tokenSha256(token);
  const used = await ctx.tx.query('SELECT 1 FROM claims.used_links WHERE token_sha256 = $1', [sha]);
  if (used.rows.length > 0) throw linkUsed();
  const order = await claimableOrder(ctx.tx, null, link.serviceOrderId);
  const claim = await openClaim(ctx, order, body, { via: 'customer-link' });
  const inserted = await ctx.tx.query(
    `INSERT INTO claims.used_links (token_sha256, service_order_id, claim_id, used_at) VALUES ($1, $2, $3, $4) ON CONFLICT (token_sha256) DO NOTHING`,
    [sha, order.id, claim.id, ctx.now],
  );
  // A concurrent use of the same link committed first: this one rolls back whole.
  if (inserted.rowCount === 0) throw linkUsed();
  return claim;
}

const linkUsed = () => new ConflictError('this claim link has already been used to open a claim', 'claim-link-used');

/**
 * Inserts the claim (received now), its first history row, and asks the workflow to start
 * (message claim-opened, one per claim) in the caller's transaction.
 */
async function openClaim({ tx, outbox, now }: WriteContext, order: ClaimedOrder, body: ClaimBody, opener: Opener) {
  const today = now.toISOString().slice(0, 10);
  if (body.discoveredOn && body.discoveredOn > today) {
    throw new InvalidInputError(`invalid body: discoveredOn: after today (${today})`, [
      { field: 'discoveredOn', message: `must not be after today (${today})` },
    ]);
  }
  const id = randomUUID();
  await tx.query(
    `INSERT INTO claims.claims (id, service_order_id, opened_via, opened_by, category, description, photo_refs, discovered_on, claimed_at,
                                status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'received', $9, $9)`,
    [
      id,
      order.id,
      opener.via,
      opener.via === 'operator' ? opener.subject : null,
      body.category,
      body.description,
      JSON.stringify(body.photoRefs ?? []),
      body.discoveredOn ?? null,
      now,
    ],
  );
  await recordClaimHistory(tx, id, opener.via === 'operator' ? opener.subject : 'customer', 'opened', { via: opener.via, category: body.category }, now);
  await requestWorkflowMessage(
    outbox,
    messages.claimOpened,
    id,
    { claimId: id, orderId: order.id, country: order.country, businessUnit: order.businessUnit, store: order.store },
    { messageId: `claim-opened:${id}` },
  );
  return presentClaim(await claimById(tx, id));
}
