import type { NotifyLocale } from '../../events';
import { PermanentError } from '../errors';

const LOCALES: Record<string, NotifyLocale> = { ES: 'es', FR: 'fr', IT: 'it', PL: 'pl' };

/** The locale of messages to a customer of a country (the countries AHS sells in). */
export function localeOfCountry(countryCode: string): NotifyLocale {
  const locale = LOCALES[countryCode];
  if (!locale) throw new PermanentError(`no message locale for country ${countryCode}`, 'unsupported-country');
  return locale;
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone: a deadline or an acceptance as the country's day. */
export function localDate(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}
