import type { WcfTemplate } from './template';

const plural = new Intl.PluralRules('pl-PL');
const visitsWord = { one: 'wizyta', few: 'wizyty', many: 'wizyt', other: 'wizyty' } as Record<Intl.LDMLPluralRule, string>;

export const pl: WcfTemplate = {
  titles: { closing: 'Protokół odbioru robót', lifting: 'Protokół usunięcia usterek' },
  formNumber: 'Nr protokołu',
  orderReference: 'Numer zamówienia',
  date: 'Data',
  parties: 'Strony',
  roles: { customer: 'Klient (zamawiający)', store: 'Sklep', provider: 'Wykonawca', technician: 'Technik' },
  workDone: 'Wykonane roboty',
  columns: { description: 'Usługa', quantity: 'Ilość' },
  visits: 'Wizyty na miejscu',
  localTime: (zone) => `Czas lokalny (${zone})`,
  timeOnSite: 'Łączny czas na miejscu',
  visitCount: (visits, duration) => `${visits} ${visitsWord[plural.select(visits)] ?? 'wizyt'}, ${duration}`,
  duration: (hours, minutes) => (hours === 0 ? `${minutes} min` : minutes === 0 ? `${hours} godz.` : `${hours} godz. ${minutes} min`),
  answer: 'Decyzja klienta',
  answerIntro: 'Po sprawdzeniu wykonanych robót klient oświadcza:',
  outcomes: {
    accepted: 'Odbiór bez zastrzeżeń',
    'accepted-with-reserves': 'Odbiór z zastrzeżeniami (usterki do usunięcia)',
    rejected: 'Odmowa odbioru',
  },
  acceptanceNote:
    'Podpisanie protokołu odbioru, z zastrzeżeniami lub bez, oznacza odbiór robót i rozpoczyna bieg okresów gwarancji; wykonawca usunie wskazane usterki w uzgodnionym terminie.',
  reserves: 'Wykaz usterek',
  noReserves: 'Brak usterek.',
  location: 'Miejsce',
  photos: 'Zdjęcia',
  rejectionReason: 'Przyczyna odmowy odbioru',
  lifting: 'Usunięcie usterek',
  liftingIntro: 'Klient potwierdza, że następujące usterki, zgłoszone przy odbiorze, zostały usunięte:',
  liftedBy: (when, technician) => `Usunięta ${when}, technik: ${technician}`,
  signatures: 'Podpisy',
  signatureLabel: 'Podpis',
  signatureDate: 'Data',
  page: (page, pages) => `Strona ${page} z ${pages}`,
};
