import type { Queryable } from '../db';

/** A country's Work Closing Form rules (wcf.country_settings); durations are ISO 8601 (days). */
export interface WcfSettings {
  /** Between reminders while the customer has not answered. */
  answerReminderEvery: string;
  /** Then an operator calls the customer. */
  answerTimeout: string;
  /** After the form was sent, a store that has not validated it is chased by its business unit. */
  storeValidationTimeout: string;
  /** The provider lifts reserves within this many days. */
  reworkDeadlineDays: number;
  signatureExpiryDays: number;
  /** Adobe's own reminders to the signers. */
  reminderFrequency: string;
}

/** A country without a row: a reminder a day for a week, the store chased after 3 days, 30 days to lift reserves. */
export const defaultWcfSettings: WcfSettings = {
  answerReminderEvery: 'P1D',
  answerTimeout: 'P7D',
  storeValidationTimeout: 'P3D',
  reworkDeadlineDays: 30,
  signatureExpiryDays: 14,
  reminderFrequency: 'EVERY_OTHER_DAY_UNTIL_SIGNED',
};

export async function wcfSettings(db: Queryable, countryCode: string): Promise<WcfSettings> {
  const {
    rows: [row],
  } = await db.query<WcfSettings>(
    `SELECT answer_reminder_every AS "answerReminderEvery", answer_timeout AS "answerTimeout", store_validation_timeout AS "storeValidationTimeout",
            rework_deadline_days AS "reworkDeadlineDays", signature_expiry_days AS "signatureExpiryDays", reminder_frequency AS "reminderFrequency"
       FROM wcf.country_settings WHERE country_code = $1`,
    [countryCode],
  );
  return row ?? defaultWcfSettings;
}

const days = (duration: string) => Number(/^P(\d+)D$/.exec(duration)?.[1] ?? Number.NaN);

/**
 * The answer reminders' timer cycle: every `answerReminderEvery` for as many times as fit before
 * `answerTimeout` (when an operator takes over), at least once.
 */
export function answerReminderCycle(settings: Pick<WcfSettings, 'answerReminderEvery' | 'answerTimeout'>): string {
  const every = days(settings.answerReminderEvery);
  const timeout = days(settings.answerTimeout);
  const repetitions = Number.isFinite(every) && Number.isFinite(timeout) && every > 0 ? Math.max(1, Math.ceil(timeout / every) - 1) : 3;
  return `R${repetitions}/${settings.answerReminderEvery}`;
}
