import type { WcfAnswer, WcfDocument } from '../model';

/** One language's Work Closing Form and lifting-of-reserves form: their labels, as data. */
export interface WcfTemplate {
  titles: Record<WcfDocument['kind'], string>;
  formNumber: string;
  orderReference: string;
  date: string;
  parties: string;
  roles: { customer: string; store: string; provider: string; technician: string };
  workDone: string;
  columns: { description: string; quantity: string };
  visits: string;
  /** Under the visits heading: the times are the country's local time. */
  localTime: (timeZone: string) => string;
  timeOnSite: string;
  /** e.g. "2 visites, 9 h 30 min". */
  visitCount: (visits: number, duration: string) => string;
  duration: (hours: number, minutes: number) => string;
  answer: string;
  answerIntro: string;
  outcomes: Record<WcfAnswer['outcome'], string>;
  /** The legal effect of signing the closing form (acceptance starts the warranties). */
  acceptanceNote: string;
  reserves: string;
  noReserves: string;
  location: string;
  photos: string;
  rejectionReason: string;
  lifting: string;
  liftingIntro: string;
  /** e.g. "Levée le 20 janvier 2027 à 10:30 par Marc Dupré". */
  liftedBy: (when: string, technician: string) => string;
  signatures: string;
  signatureLabel: string;
  signatureDate: string;
  page: (page: number, pages: number) => string;
}

/** "9 h 30 min", "9 h", "30 min": the short form ES, FR and IT write alike. */
export function hoursMinutes(hours: number, minutes: number, hourUnit = 'h'): string {
  if (hours === 0) return `${minutes} min`;
  return minutes === 0 ? `${hours} ${hourUnit}` : `${hours} ${hourUnit} ${minutes} min`;
}
