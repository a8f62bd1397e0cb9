import type { ContractDocument } from '../model';

export type SalesChannel = ContractDocument['salesChannel'];

/** One language's contract: the labels of the document and its terms, as data. */
export interface ContractTemplate {
  title: string;
  contractNumber: string;
  orderReference: string;
  date: string;
  parties: string;
  scope: string;
  seller: string;
  customer: string;
  salesChannel: string;
  channels: Record<SalesChannel, string>;
  columns: { description: string; quantity: string; listPrice: string; adjustment: string; total: string };
  listPriceTotal: string;
  channelAdjustmentTotal: string;
  orderTotal: string;
  tvHeading: string;
  tvIntro: string;
  tvAdded: string;
  tvRemoved: string;
  tvExtraCost: string;
  totalDue: string;
  termsHeading: string;
  terms: readonly { heading: string; body: string }[];
  signatures: { customer: string; seller: string };
  page: (page: number, pages: number) => string;
}
