import type { ContractTemplate } from './template';

export const fr: ContractTemplate = {
  title: 'Contrat de prestation de services',
  contractNumber: 'N° de contrat',
  orderReference: 'Référence de la commande',
  date: 'Date',
  parties: 'Parties',
  scope: 'Prestations commandées',
  seller: 'Le prestataire (magasin)',
  customer: 'Le client',
  salesChannel: 'Canal de vente',
  channels: { IN_STORE: 'En magasin', ONLINE: 'En ligne', PHONE: 'Par téléphone', PARTNER: 'Partenaire' },
  columns: { description: 'Prestation', quantity: 'Qté', listPrice: 'Prix catalogue', adjustment: 'Ajust. canal', total: 'Total' },
  listPriceTotal: 'Prix catalogue',
  channelAdjustmentTotal: 'Ajustement du canal de vente',
  orderTotal: 'Prix de la commande (TTC)',
  tvHeading: 'Ajustements après la visite technique',
  tvIntro: 'La visite technique a conduit aux modifications suivantes, acceptées par le client :',
  tvAdded: 'Ajouté',
  tvRemoved: 'Supprimé',
  tvExtraCost: 'Coût supplémentaire',
  totalDue: 'Total à payer (TTC)',
  termsHeading: 'Conditions',
  terms: [
    {
      heading: '1. Parties et objet',
      body: 'Le présent contrat est conclu entre le magasin désigné ci-dessus, prestataire, et le client. Il a pour objet la réalisation au domicile du client des prestations énumérées, par des professionnels qualifiés mandatés par le prestataire.',
    },
    {
      heading: '2. Prix et paiement',
      body: "Le prix est celui indiqué au présent contrat, toutes taxes comprises, ajustement du canal de vente inclus. Le paiement s'effectue selon les modalités convenues lors de l'achat ; aucun coût supplémentaire ne peut être facturé sans l'accord écrit du client.",
    },
    {
      heading: '3. Droit de rétractation',
      body: "Lorsque le contrat est conclu à distance ou hors établissement, le client dispose d'un délai de 14 jours à compter de sa conclusion pour se rétracter, sans motif ni pénalité (articles L221-18 et suivants du Code de la consommation). S'il demande expressément que la prestation commence avant la fin de ce délai, il paie la part déjà exécutée.",
    },
    {
      heading: '4. Garantie',
      body: 'Les prestations bénéficient de la garantie légale de conformité (articles L217-3 et suivants du Code de la consommation) et de la garantie des vices cachés (articles 1641 et suivants du Code civil), sans préjudice des garanties commerciales du fabricant des produits installés.',
    },
    {
      heading: '5. Protection des données',
      body: "Les données personnelles du client sont traitées, conformément au Règlement (UE) 2016/679 (RGPD), pour exécuter le présent contrat et respecter les obligations légales. Le client peut exercer ses droits d'accès, de rectification, d'effacement, d'opposition, de limitation et de portabilité auprès du magasin et saisir la CNIL.",
    },
  ],
  signatures: { customer: 'Signature du client', seller: 'Pour le magasin' },
  page: (page, pages) => `Page ${page} sur ${pages}`,
};
