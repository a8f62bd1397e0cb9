import type { Address, ContractLanguage } from './model';

const locales: Record<ContractLanguage, string> = { es: 'es-ES', fr: 'fr-FR', it: 'it-IT', pl: 'pl-PL' };

export interface Formatters {
  money(amountMinor: number): string;
  date(isoDate: string): string;
  address(address: Address): string[];
}

const cache = new Map<string, Formatters>();

/**
 * Amounts and dates as the customer's locale writes them (Intl), e.g. 1.453,50 € or 12 345,00 zł;
 * built once per language and currency (Intl formatters are costly to construct).
 */
export function formattersFor(language: ContractLanguage, currency: string): Formatters {
  const key = `${language}|${currency}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const formatters = build(language, currency);
  cache.set(key, formatters);
  return formatters;
}

function build(language: ContractLanguage, currency: string): Formatters {
  const locale = locales[language];
  const money = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const minorDigits = money.resolvedOptions().maximumFractionDigits ?? 2;
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
  const regions = new Intl.DisplayNames([locale], { type: 'region' });
  return {
    money: (amountMinor) => money.format(amountMinor / 10 ** minorDigits),
    date: (isoDate) => dates.format(new Date(`${isoDate}T00:00:00Z`)),
    address: (a) => [a.line1, ...(a.line2 ? [a.line2] : []), `${a.postalCode} ${a.city}`, regions.of(a.countryCode) ?? a.countryCode],
  };
}
