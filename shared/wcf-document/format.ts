import { formattersFor, type Formatters } from '../contracts-document/format';
import type { ContractLanguage } from '../contracts-document/model';
import type { WcfVisit } from './model';

const locales: Record<ContractLanguage, string> = { es: 'es-ES', fr: 'fr-FR', it: 'it-IT', pl: 'pl-PL' };

/** The contract's date and address formatters, plus the local times of the visits on site. */
export interface WcfFormatters extends Pick<Formatters, 'date' | 'address'> {
  /** e.g. "mardi 12 janvier 2027" in the country's time zone. */
  day(instant: string): string;
  /** e.g. "08:00". */
  time(instant: string): string;
  /** e.g. "12 janvier 2027 à 10:30". */
  dateTime(instant: string): string;
}

export function wcfFormattersFor(language: ContractLanguage, timeZone: string): WcfFormatters {
  const locale = locales[language];
  // Only the contract's date and address formatters are used: the currency does not matter to them.
  const contract = formattersFor(language, 'EUR');
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeZone });
  const time = new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone });
  return {
    date: (isoDate) => contract.date(isoDate),
    address: (address) => contract.address(address),
    day: (instant) => day.format(new Date(instant)),
    time: (instant) => time.format(new Date(instant)),
    dateTime: (instant) => dateTime.format(new Date(instant)),
  };
}

/** The total time on site, in whole minutes (each visit from check-in to check-out). */
export function minutesOnSite(visits: readonly WcfVisit[]): number {
  const ms = visits.reduce((total, v) => total + Date.parse(v.checkedOutAt) - Date.parse(v.checkedInAt), 0);
  return Math.round(ms / 60_000);
}
