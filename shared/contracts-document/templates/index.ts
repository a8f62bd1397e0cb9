import type { ContractLanguage } from '../model';
import { es } from './es';
import { fr } from './fr';
import { it } from './it';
import { pl } from './pl';
import type { ContractTemplate } from './template';

export type { ContractTemplate } from './template';

/** The contract's wording per customer language. */
export const contractTemplates: Record<ContractLanguage, ContractTemplate> = { es, fr, it, pl };
