import type { NotifyLocale } from '../../events';
import { PermanentError } from '../errors';

const LOCALES: Record<string, NotifyLocale> = { ES: 'es', FR: 'fr', IT: 'it', PL: 'pl' };

/** The locale of messages to a customer of a country (the countries AHS sells in). */
export function localeOfCountry(countryCode: string): NotifyLocale {
  const locale = LOCALES[countryCode];
  if (!locale) throw new PermanentError(`no message locale for country ${countryCode}`, 'unsupported-country');
  return locale;
}
