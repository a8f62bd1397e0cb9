import type { ContractTemplate } from './template';

export const pl: ContractTemplate = {
  title: 'Umowa o świadczenie usług',
  contractNumber: 'Nr umowy',
  orderReference: 'Numer zamówienia',
  date: 'Data',
  parties: 'Strony umowy',
  scope: 'Zamówione usługi',
  seller: 'Usługodawca (sklep)',
  customer: 'Klient',
  salesChannel: 'Kanał sprzedaży',
  channels: { IN_STORE: 'W sklepie', ONLINE: 'Online', PHONE: 'Telefonicznie', PARTNER: 'Partner' },
  columns: { description: 'Usługa', quantity: 'Ilość', listPrice: 'Cena katalogowa', adjustment: 'Korekta kanału', total: 'Razem' },
  listPriceTotal: 'Cena katalogowa',
  channelAdjustmentTotal: 'Korekta kanału sprzedaży',
  orderTotal: 'Cena zamówienia (z VAT)',
  tvHeading: 'Zmiany po wizycie technicznej',
  tvIntro: 'Wizyta techniczna wykazała potrzebę następujących zmian, zaakceptowanych przez klienta:',
  tvAdded: 'Dodano',
  tvRemoved: 'Usunięto',
  tvExtraCost: 'Koszt dodatkowy',
  totalDue: 'Do zapłaty (z VAT)',
  termsHeading: 'Warunki',
  terms: [
    {
      heading: '1. Strony i przedmiot umowy',
      body: 'Niniejsza umowa zostaje zawarta między wskazanym powyżej sklepem, jako usługodawcą, a klientem. Jej przedmiotem jest wykonanie w miejscu zamieszkania klienta wymienionych usług przez wykwalifikowanych fachowców działających na zlecenie usługodawcy.',
    },
    {
      heading: '2. Cena i płatność',
      body: 'Cena jest ceną wskazaną w niniejszej umowie, zawiera podatki oraz korektę właściwą dla kanału sprzedaży. Płatność następuje w sposób uzgodniony przy zakupie; dodatkowe koszty mogą zostać naliczone wyłącznie za pisemną zgodą klienta.',
    },
    {
      heading: '3. Prawo odstąpienia od umowy',
      body: 'Jeżeli umowa została zawarta na odległość lub poza lokalem przedsiębiorstwa, klient może od niej odstąpić bez podania przyczyny i bez ponoszenia kosztów w terminie 14 dni od jej zawarcia (art. 27 i nast. ustawy z dnia 30 maja 2014 r. o prawach konsumenta). Jeżeli zażąda rozpoczęcia usługi przed upływem tego terminu, zapłaci za część już wykonaną.',
    },
    {
      heading: '4. Gwarancja i rękojmia',
      body: 'Usługi objęte są ustawową odpowiedzialnością za zgodność z umową na zasadach ustawy o prawach konsumenta, bez uszczerbku dla gwarancji handlowych producenta zainstalowanych produktów.',
    },
    {
      heading: '5. Ochrona danych osobowych',
      body: 'Dane osobowe klienta są przetwarzane zgodnie z rozporządzeniem (UE) 2016/679 (RODO) w celu wykonania niniejszej umowy i wypełnienia obowiązków prawnych. Klient może wykonywać prawa dostępu, sprostowania, usunięcia, sprzeciwu, ograniczenia i przenoszenia danych wobec sklepu oraz wnieść skargę do Prezesa Urzędu Ochrony Danych Osobowych.',
    },
  ],
  signatures: { customer: 'Podpis klienta', seller: 'W imieniu sklepu' },
  page: (page, pages) => `Strona ${page} z ${pages}`,
};
