import type { ContractLanguage } from '../contracts-document/model';
import { sampleContract } from '../contracts-document/testing';
import type { WcfAnswer, WcfClosingDocument, WcfLiftingDocument, WcfReserve } from './model';

interface Sample {
  timeZone: string;
  provider: string;
  technician: string;
  reserves: [WcfReserve, WcfReserve];
}

const samples: Record<ContractLanguage, Sample> = {
  es: {
    timeZone: 'Europe/Madrid',
    provider: 'Instalaciones Peña S.L.',
    technician: 'Íñigo Muñoz',
    reserves: [
      { description: 'Puerta del armario alto desalineada', location: 'Cocina, pared norte', photoRefs: ['wcf/photo-1.jpg'] },
      { description: 'Junta de silicona incompleta en el fregadero', location: 'Cocina, fregadero', photoRefs: [] },
    ],
  },
  fr: {
    timeZone: 'Europe/Paris',
    provider: 'Rénov’Habitat SARL',
    technician: 'Jérôme Lefèbvre',
    reserves: [
      { description: 'Porte du meuble haut mal alignée', location: 'Cuisine, mur nord', photoRefs: ['wcf/photo-1.jpg', 'wcf/photo-2.jpg'] },
      { description: 'Joint silicone incomplet autour de l’évier', location: 'Cuisine, évier', photoRefs: [] },
    ],
  },
  it: {
    timeZone: 'Europe/Rome',
    provider: 'Impianti Nicolò S.r.l.',
    technician: 'Niccolò Fabbrì',
    reserves: [
      { description: 'Anta del pensile non allineata', location: 'Cucina, parete nord', photoRefs: ['wcf/photo-1.jpg'] },
      { description: 'Sigillatura in silicone incompleta attorno al lavello', location: 'Cucina, lavello', photoRefs: [] },
    ],
  },
  pl: {
    timeZone: 'Europe/Warsaw',
    provider: 'Usługi Remontowe Łęcki sp. z o.o.',
    technician: 'Grzegorz Brzęczyszczykiewicz',
    reserves: [
      { description: 'Krzywo zamontowane drzwiczki szafki górnej', location: 'Kuchnia, ściana północna', photoRefs: ['wcf/photo-1.jpg'] },
      { description: 'Niekompletna fuga silikonowa wokół zlewu', location: 'Kuchnia, zlew', photoRefs: [] },
    ],
  },
};

/** The sample's reserves in `language`. */
export const sampleReserves = (language: ContractLanguage): WcfReserve[] => [...samples[language].reserves];

/**
 * A plausible closing form in `language`, its names with diacritics, from the sample contract of
 * the same order: two visits, 4 h 30 min and 5 h (9 h 30 min), in the country's local time.
 */
export function sampleClosingForm(language: ContractLanguage, answer: WcfAnswer = { outcome: 'accepted' }): WcfClosingDocument {
  const contract = sampleContract(language);
  const s = samples[language];
  return {
    kind: 'closing',
    formId: `WCF-${contract.customer.address.countryCode}-000321`,
    orderReference: contract.orderReference,
    date: '2027-01-13',
    language,
    customer: { name: contract.customer.name, address: contract.customer.address },
    store: contract.store,
    provider: { name: s.provider },
    technician: { name: s.technician },
    lines: contract.lines.map(({ description, quantity }) => ({ description, quantity })),
    visits: [
      { checkedInAt: '2027-01-12T07:00:00Z', checkedOutAt: '2027-01-12T11:30:00Z' },
      { checkedInAt: '2027-01-13T08:00:00Z', checkedOutAt: '2027-01-13T13:00:00Z' },
    ],
    timeZone: s.timeZone,
    answer,
  };
}

/** The lifting form of the sample's reserves, lifted on 20 January 2027 at 10:30 local time. */
export function sampleLiftingForm(language: ContractLanguage): WcfLiftingDocument {
  const { answer: _answer, ...closing } = sampleClosingForm(language);
  const s = samples[language];
  return {
    ...closing,
    kind: 'lifting',
    formId: `${closing.formId}-L1`,
    date: '2027-01-20',
    visits: [{ checkedInAt: '2027-01-20T09:00:00Z', checkedOutAt: '2027-01-20T10:45:00Z' }],
    liftedReserves: s.reserves.map((reserve) => ({ ...reserve, liftedAt: '2027-01-20T09:30:00Z', liftedBy: { name: s.technician } })),
  };
}

export { oneSpace, pagesText } from '../contracts-document/testing';
