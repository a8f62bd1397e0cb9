import type { ContractLanguage } from '../../shared/contracts-document/model';

type Words = { name: string; message: string };

/** What the signers read in Adobe's email, in the customer's language, per form. */
export const AGREEMENT_WORDS: Record<ContractLanguage, Record<'closing' | 'lifting', Words>> = {
  es: {
    closing: { name: 'Acta de recepción de obra', message: 'Por favor, firme el acta de recepción de los trabajos realizados.' },
    lifting: { name: 'Levantamiento de reservas', message: 'Por favor, confirme con su firma que las reservas se han levantado.' },
  },
  fr: {
    closing: { name: 'Procès-verbal de réception', message: 'Merci de signer le procès-verbal de réception des travaux réalisés.' },
    lifting: { name: 'Levée des réserves', message: 'Merci de confirmer par votre signature la levée des réserves.' },
  },
  it: {
    closing: { name: 'Verbale di fine lavori', message: 'La preghiamo di firmare il verbale di fine lavori.' },
    lifting: { name: 'Rimozione delle riserve', message: 'La preghiamo di confermare con la sua firma la rimozione delle riserve.' },
  },
  pl: {
    closing: { name: 'Protokół odbioru robót', message: 'Prosimy o podpisanie protokołu odbioru wykonanych robót.' },
    lifting: { name: 'Usunięcie usterek', message: 'Prosimy o potwierdzenie podpisem usunięcia usterek.' },
  },
};
