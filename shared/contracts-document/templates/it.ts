import type { ContractTemplate } from './template';

export const it: ContractTemplate = {
  title: 'Contratto di prestazione di servizi',
  contractNumber: 'N. contratto',
  orderReference: "Riferimento dell'ordine",
  date: 'Data',
  parties: 'Parti',
  scope: 'Servizi ordinati',
  seller: 'Il prestatore (negozio)',
  customer: 'Il cliente',
  salesChannel: 'Canale di vendita',
  channels: { IN_STORE: 'In negozio', ONLINE: 'Online', PHONE: 'Per telefono', PARTNER: 'Partner' },
  columns: { description: 'Servizio', quantity: 'Q.tà', listPrice: 'Prezzo listino', adjustment: 'Rettifica canale', total: 'Totale' },
  listPriceTotal: 'Prezzo di listino',
  channelAdjustmentTotal: 'Rettifica del canale di vendita',
  orderTotal: "Prezzo dell'ordine (IVA inclusa)",
  tvHeading: 'Modifiche dopo il sopralluogo tecnico',
  tvIntro: 'Il sopralluogo tecnico ha reso necessarie le seguenti modifiche, accettate dal cliente:',
  tvAdded: 'Aggiunto',
  tvRemoved: 'Eliminato',
  tvExtraCost: 'Costo aggiuntivo',
  totalDue: 'Totale da pagare (IVA inclusa)',
  termsHeading: 'Condizioni',
  terms: [
    {
      heading: '1. Parti e oggetto',
      body: "Il presente contratto è concluso tra il negozio sopra indicato, in qualità di prestatore, e il cliente. Ha per oggetto l'esecuzione presso il domicilio del cliente dei servizi elencati, da parte di professionisti qualificati incaricati dal prestatore.",
    },
    {
      heading: '2. Prezzo e pagamento',
      body: "Il prezzo è quello indicato nel presente contratto, imposte incluse, comprensivo della rettifica del canale di vendita. Il pagamento avviene secondo le modalità concordate all'acquisto; eventuali costi aggiuntivi sono dovuti solo se accettati per iscritto dal cliente.",
    },
    {
      heading: '3. Diritto di recesso',
      body: 'Se il contratto è concluso a distanza o fuori dei locali commerciali, il cliente può recedere entro 14 giorni dalla conclusione, senza indicarne il motivo e senza penali (artt. 52 e seguenti del Codice del consumo, D.Lgs. 206/2005). Se chiede espressamente che il servizio inizi prima, paga la parte già eseguita.',
    },
    {
      heading: '4. Garanzia',
      body: 'I servizi sono coperti dalla garanzia legale di conformità prevista dal Codice del consumo (artt. 128 e seguenti), fatte salve le garanzie commerciali del produttore dei prodotti installati.',
    },
    {
      heading: '5. Protezione dei dati',
      body: "I dati personali del cliente sono trattati, ai sensi del Regolamento (UE) 2016/679 (GDPR), per l'esecuzione del presente contratto e per adempiere agli obblighi di legge. Il cliente può esercitare i diritti di accesso, rettifica, cancellazione, opposizione, limitazione e portabilità presso il negozio e proporre reclamo al Garante per la protezione dei dati personali.",
    },
  ],
  signatures: { customer: 'Firma del cliente', seller: 'Per il negozio' },
  page: (page, pages) => `Pagina ${page} di ${pages}`,
};
