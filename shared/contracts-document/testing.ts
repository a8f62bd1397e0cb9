import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { ContractDocument, ContractLanguage } from './model';

interface Sample {
  customer: string;
  country: string;
  currency: string;
  store: ContractDocument['store'];
  street: string;
  city: string;
  postalCode: string;
  services: [string, string];
}

const samples: Record<ContractLanguage, Sample> = {
  es: {
    customer: 'José Ñúñez',
    country: 'ES',
    currency: 'EUR',
    store: { name: 'Madrid Alcobendas', address: { line1: 'Avenida de la Industria 12', postalCode: '28108', city: 'Alcobendas', countryCode: 'ES' } },
    street: 'Calle de Alcalá 155, 3.º B',
    city: 'Madrid',
    postalCode: '28009',
    services: ['Instalación de cocina: muebles, encimera y electrodomésticos', 'Recortes de encimera para fregadero y placa'],
  },
  fr: {
    customer: 'Françoise Lefèvre-Garçon',
    country: 'FR',
    currency: 'EUR',
    store: { name: 'Lyon Vénissieux', address: { line1: 'Boulevard Ambroise Croizat 30', postalCode: '69200', city: 'Vénissieux', countryCode: 'FR' } },
    street: '12 rue de la Préfecture',
    city: 'Lyon',
    postalCode: '69003',
    services: ['Pose de cuisine : meubles, plan de travail et électroménager', 'Découpes du plan de travail pour évier et plaque'],
  },
  it: {
    customer: 'Niccolò Cortés',
    country: 'IT',
    currency: 'EUR',
    store: { name: 'Milano Certosa', address: { line1: 'Via Gallarate 184', postalCode: '20151', city: 'Milano', countryCode: 'IT' } },
    street: 'Corso di Porta Ticinese 87',
    city: 'Milano',
    postalCode: '20123',
    services: ['Montaggio cucina: mobili, piano di lavoro ed elettrodomestici', 'Fori nel piano per lavello e piano cottura'],
  },
  pl: {
    customer: 'Łukasz Żółć',
    country: 'PL',
    currency: 'PLN',
    store: { name: 'Kraków Zakopianka', address: { line1: 'ul. Zakopiańska 62', postalCode: '30-418', city: 'Kraków', countryCode: 'PL' } },
    street: 'ul. Świętego Wawrzyńca 15/4',
    city: 'Kraków',
    postalCode: '31-060',
    services: ['Montaż kuchni: szafki, blat i sprzęt AGD', 'Wycięcia w blacie pod zlewozmywak i płytę grzewczą'],
  },
};

/** A plausible contract in `language`, its customer's name with diacritics; `lines` many lines. */
export function sampleContract(language: ContractLanguage, lines = 2): ContractDocument {
  const s = samples[language];
  const items = Array.from({ length: lines }, (_, i) => ({
    description: s.services[i % 2]!,
    quantity: 1 + (i % 3),
    listPriceMinor: 612_345 + i * 1_000,
    channelAdjustmentMinor: -30_617,
    totalMinor: 581_728 + i * 1_000,
  }));
  const sum = (pick: (line: (typeof items)[number]) => number) => items.reduce((total, line) => total + pick(line), 0);
  return {
    contractId: `CTR-${s.country}-000123`,
    orderReference: `${s.country}-0042-778812`,
    date: '2027-01-15',
    salesChannel: 'ONLINE',
    currency: s.currency,
    store: s.store,
    customer: {
      name: s.customer,
      language,
      address: { line1: s.street, postalCode: s.postalCode, city: s.city, countryCode: s.country },
    },
    lines: items,
    order: {
      listPriceMinor: sum((l) => l.listPriceMinor),
      channelAdjustmentMinor: sum((l) => l.channelAdjustmentMinor),
      totalMinor: sum((l) => l.totalMinor),
    },
  };
}

/** The text of each page as pdf.js reads it, whitespace runs (NBSP, narrow NBSP) made one space. */
export async function pagesText(bytes: Uint8Array): Promise<string[]> {
  const pdf = await getDocument({ data: bytes.slice(), isEvalSupported: false, useSystemFonts: false }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= pdf.numPages; n += 1) {
    const content = await (await pdf.getPage(n)).getTextContent();
    pages.push(
      content.items
        .map((item) => ('str' in item ? item.str : ''))
        .join('\n')
        .replace(/\s+/g, ' '),
    );
  }
  await pdf.destroy();
  return pages;
}

export const oneSpace = (text: string) => text.replace(/\s+/g, ' ');
