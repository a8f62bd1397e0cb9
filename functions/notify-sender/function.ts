import { notifyMessageRequested, notifyPartnerMessageRequested, notifyScheduledMessageCancelled } from '../../events';
import type { Db, Queryable } from '../../shared/db';
import { makeEventFunction, on } from '../../shared/event-function';
import type { Logger } from '../../shared/logging';
import type { Channel } from '../../shared/notify/consent';
import { acceptCustomerRequest, acceptPartnerRequest, cancelScheduled } from './accept';
import type { CountrySettings } from './send';

export const NAME = 'notify-sender';

/**
 * notify-sender, its event side: notify.message.requested and notify.partner-message.requested
 * queue one message per request (./accept.ts); notify.scheduled-message.cancelled withdraws a
 * scheduled one. The sending itself is done by the senders every instance runs (./senders.ts),
 * woken here when a message is due at once.
 */
export function notifySenderFunction(deps: { db: Db; logger: Logger; wake?: (channel: Channel) => void; clock?: () => Date }) {
  const clock = deps.clock ?? (() => new Date());
  const accept = { clock, wake: deps.wake ?? (() => undefined) };
  return makeEventFunction({
    name: NAME,
    db: deps.db,
    logger: deps.logger,
    clock: deps.clock,
    subscriptions: [
      on(notifyMessageRequested, acceptCustomerRequest(accept)),
      on(notifyPartnerMessageRequested, acceptPartnerRequest(accept)),
      on(notifyScheduledMessageCancelled, cancelScheduled),
    ],
  });
}

/** Each country's sending settings, read once a minute at most. */
export function countrySettingsCache(db: Queryable, ttlMs = 60_000): (countryCode: string) => Promise<CountrySettings> {
  const cache = new Map<string, { at: number; settings: Promise<CountrySettings> }>();
  return (countryCode) => {
    const hit = cache.get(countryCode);
    if (hit && Date.now() - hit.at < ttlMs) return hit.settings;
    const settings = db
      .query<CountrySettings>(
        `SELECT s.sms_sender, s.email_from, s.email_from_name, to_char(s.quiet_from, 'HH24:MI') AS quiet_from, to_char(s.quiet_until, 'HH24:MI') AS quiet_until,
                s.sms_segment_micros, s.email_micros, s.currency, c.timezone
           FROM notify.country_settings s JOIN org.countries c ON c.code = s.country_code WHERE s.country_code = $1`,
        [countryCode],
      )
      .then(({ rows: [row] }) => {
        if (!row) throw new Error(`no messaging settings for country ${countryCode} (notify.country_settings)`);
        return row;
      });
    settings.catch(() => cache.delete(countryCode));
    cache.set(countryCode, { at: Date.now(), settings });
    return settings;
  };
}
