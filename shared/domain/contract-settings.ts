import type { Queryable } from '../db';

/** A country's contract rules (contracts.country_settings), amounts in minor units of `currency`. */
export interface ContractSettings {
  currency: string;
  approvalThresholdMinor: number;
  strongAuthThresholdMinor: number;
  phoneAuth: boolean;
  reminderFrequency: string;
  expiryDays: number;
  /** ISO 8601 duration between our own reminders while the customer has not signed. */
  reminderEvery: string;
}

/** A country without a row: EUR 5,000 approval, EUR 2,000 strong authentication (off), reminders every 3 days, 14 days to sign. */
export const defaultSettings: ContractSettings = {
  currency: 'EUR',
  approvalThresholdMinor: 500_000,
  strongAuthThresholdMinor: 200_000,
  phoneAuth: false,
  reminderFrequency: 'EVERY_OTHER_DAY_UNTIL_SIGNED',
  expiryDays: 14,
  reminderEvery: 'P3D',
};

export async function contractSettings(db: Queryable, countryCode: string): Promise<ContractSettings> {
  const {
    rows: [row],
  } = await db.query<ContractSettings>(
    `SELECT currency, approval_threshold_minor::float8 AS "approvalThresholdMinor", strong_auth_threshold_minor::float8 AS "strongAuthThresholdMinor",
            phone_auth AS "phoneAuth", reminder_frequency AS "reminderFrequency", expiry_days AS "expiryDays", reminder_every AS "reminderEvery"
       FROM contracts.country_settings WHERE country_code = $1`,
    [countryCode],
  );
  return row ?? defaultSettings;
}

/**
 * The reminders' timer cycle: every `reminderEvery` until the agreement expires (Adobe sends
 * its own reminders too; ours go through the notify domain in the customer's channel).
 */
export function reminderCycle(settings: Pick<ContractSettings, 'reminderEvery' | 'expiryDays'>): string {
  const days = /^P(\d+)D$/.exec(settings.reminderEvery)?.[1];
  const repetitions = days ? Math.max(1, Math.floor((settings.expiryDays - 1) / Number(days))) : 3;
  return `R${repetitions}/${settings.reminderEvery}`;
}
