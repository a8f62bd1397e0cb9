import type { Queryable } from '../db';

export type Channel = 'sms' | 'email';
export type MessageKind = 'transactional' | 'informational';
export type OptOutScope = 'all' | 'informational';

/**
 * What an opt-out stops — the rule, in one place:
 *
 *   - an SMS STOP (STOP, ARRET, BAJA, ...), the provider's "opted out" (Twilio 21610), or a hard
 *     bounce / invalid address: scope 'all' — nothing more on that channel to that address (the
 *     carrier refuses it anyway after a STOP). A transactional message then goes by the other
 *     channel when the recipient has one (the contract to sign still reaches the customer by email);
 *     an informational one is suppressed;
 *   - an email unsubscribe (the one-click List-Unsubscribe link) or a spam report: scope
 *     'informational' — reminders and surveys stop; what the customer cannot do without
 *     (transactional: the contract to sign, appointments, decisions on their claim) still goes;
 *   - START (or an opt-in by an operator) removes the opt-out.
 *
 * A stronger opt-out is never weakened by a later weaker one ('all' stays 'all').
 */
export function stops(scope: OptOutScope, kind: MessageKind): boolean {
  return scope === 'all' || kind === 'informational';
}

/** The normalised address an opt-out is keyed on: E.164 for a phone (already), lower-case for an email. */
export function optOutAddress(channel: Channel, address: string): string {
  return channel === 'email' ? address.trim().toLowerCase() : address.trim();
}

/** Records an opt-out (idempotent; never weakens an existing 'all'). */
export async function recordOptOut(db: Queryable, optOut: { channel: Channel; address: string; scope: OptOutScope; source: string; at?: Date }): Promise<void> {
  await db.query(
    `INSERT INTO notify.opt_outs (channel, address, scope, source, opted_out_at)
     VALUES ($1, $2, $3, $4, coalesce($5, now()))
     ON CONFLICT (channel, address) DO UPDATE
        SET scope = CASE WHEN notify.opt_outs.scope = 'all' THEN 'all' ELSE EXCLUDED.scope END,
            source = CASE WHEN notify.opt_outs.scope = 'all' AND EXCLUDED.scope <> 'all' THEN notify.opt_outs.source ELSE EXCLUDED.source END,
            opted_out_at = CASE WHEN notify.opt_outs.scope = 'all' AND EXCLUDED.scope <> 'all' THEN notify.opt_outs.opted_out_at ELSE EXCLUDED.opted_out_at END`,
    [optOut.channel, optOutAddress(optOut.channel, optOut.address), optOut.scope, optOut.source, optOut.at ?? null],
  );
}

/** Removes an opt-out (SMS START). Answers whether there was one. */
export async function optBackIn(db: Queryable, channel: Channel, address: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM notify.opt_outs WHERE channel = $1 AND address = $2', [channel, optOutAddress(channel, address)]);
  return (rowCount ?? 0) > 0;
}

/** The opt-out that stops a message of this kind to this address, if any. */
export async function optOutStopping(
  db: Queryable,
  channel: Channel,
  address: string,
  kind: MessageKind,
): Promise<{ scope: OptOutScope; source: string } | undefined> {
  const {
    rows: [row],
  } = await db.query<{ scope: OptOutScope; source: string }>('SELECT scope, source FROM notify.opt_outs WHERE channel = $1 AND address = $2', [
    channel,
    optOutAddress(channel, address),
  ]);
  return row && stops(row.scope, kind) ? row : undefined;
}
