import type { ContractLanguage } from '../../contracts-document/model';
import { es } from './es';
import { fr } from './fr';
import { it } from './it';
import { pl } from './pl';
import type { WcfTemplate } from './template';

export type { WcfTemplate } from './template';

/** The forms' wording per customer language. */
export const wcfTemplates: Record<ContractLanguage, WcfTemplate> = { es, fr, it, pl };
